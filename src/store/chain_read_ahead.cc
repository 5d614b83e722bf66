#include "store/chain_read_ahead.h"

#include <array>
#include <thread>

namespace es::detail {
namespace {

constexpr std::size_t kPageRows = 1024;
constexpr std::size_t kPages = 3;  // one being filled, one being scanned, one ready

struct Span {
  std::size_t offset = 0;
  std::size_t size = 0;
};

}  // namespace

struct ChainPage {
  enum Text : std::uint8_t { kStream, kType, kData, kMetadata, kTenant, kHash, kTexts };
  struct Row {
    bool head = false;
    std::int64_t version = 0;
    std::int32_t schema_version = 0;
    std::int64_t recorded_at_us = 0;
    Uuid id;
    std::array<Span, kTexts> texts{};
  };

  Span keep(std::string_view text) {
    const Span span{bytes.size(), text.size()};
    bytes.append(text);
    return span;
  }
  [[nodiscard]] std::string_view view(const Row& row, Text t) const {
    return std::string_view(bytes).substr(row.texts[t].offset, row.texts[t].size);
  }
  void clear() {
    rows.clear();
    bytes.clear();
  }

  std::vector<Row> rows;
  std::string bytes;
};

ChainFeed::ChainFeed() {
  for (std::size_t i = 0; i < kPages; ++i) {
    pages_.push_back(std::make_unique<ChainPage>());
    empty_.push_back(pages_.back().get());
  }
  filling_ = empty_.back();
  empty_.pop_back();
}

ChainFeed::~ChainFeed() = default;

void ChainFeed::head(std::string_view stream, std::int64_t version, std::string_view last_hash) {
  ChainPage::Row& row = filling_->rows.emplace_back();
  row.head = true;
  row.version = version;
  row.texts[ChainPage::kStream] = filling_->keep(stream);
  row.texts[ChainPage::kHash] = filling_->keep(last_hash);
  if (filling_->rows.size() == kPageRows) hand_over(/*last=*/false);
}

void ChainFeed::event(const ChainFields& fields, std::string_view stored_hash) {
  ChainPage::Row& row = filling_->rows.emplace_back();
  row.version = fields.version;
  row.schema_version = fields.schema_version;
  row.recorded_at_us = fields.recorded_at_us;
  row.id = fields.id;
  row.texts[ChainPage::kStream] = filling_->keep(fields.stream);
  row.texts[ChainPage::kType] = filling_->keep(fields.type);
  row.texts[ChainPage::kData] = filling_->keep(fields.data);
  row.texts[ChainPage::kMetadata] = filling_->keep(fields.metadata);
  row.texts[ChainPage::kTenant] = filling_->keep(fields.tenant);
  row.texts[ChainPage::kHash] = filling_->keep(stored_hash);
  if (filling_->rows.size() == kPageRows) hand_over(/*last=*/false);
}

void ChainFeed::hand_over(bool last) {
  std::unique_lock lock(mutex_);
  if (stopped_) {
    filling_->clear();
    return;
  }
  filled_.push_back(filling_);
  filling_ = nullptr;
  finished_ = last;
  changed_.notify_all();
  if (last) return;
  changed_.wait(lock, [&] { return !empty_.empty() || stopped_; });
  if (stopped_ && empty_.empty()) {
    // The scanner is gone and keeps its pages: refill a page of its own that it will not read.
    filling_ = filled_.back();
    filled_.pop_back();
  } else {
    filling_ = empty_.back();
    empty_.pop_back();
  }
  filling_->clear();
}

ChainPage* ChainFeed::next(ChainPage* done) {
  std::unique_lock lock(mutex_);
  if (done != nullptr) {
    empty_.push_back(done);
    changed_.notify_all();
  }
  changed_.wait(lock, [&] { return !filled_.empty() || finished_; });
  if (filled_.empty()) return nullptr;
  ChainPage* page = filled_.front();
  filled_.erase(filled_.begin());
  return page;
}

void ChainFeed::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  changed_.notify_all();
}

Status scan_with_read_ahead(ChainScan& scan, const std::function<Status(ChainFeed&)>& read) {
  ChainFeed feed;
  Status status;
  std::thread reader([&] {
    status = read(feed);
    feed.hand_over(/*last=*/true);
  });
  // After an exception from a callback: let the reader run out, then join it.
  struct Join {
    ChainFeed& feed;
    std::thread& reader;
    ~Join() {
      if (!reader.joinable()) return;
      feed.stop();
      reader.join();
    }
  } join{feed, reader};
  ChainPage* page = nullptr;
  while ((page = feed.next(page)) != nullptr) {
    for (const ChainPage::Row& row : page->rows) {
      if (row.head) {
        scan.head(page->view(row, ChainPage::kStream), row.version,
                  page->view(row, ChainPage::kHash));
        continue;
      }
      scan.event({.stream = page->view(row, ChainPage::kStream),
                  .version = row.version,
                  .id = row.id,
                  .type = page->view(row, ChainPage::kType),
                  .schema_version = row.schema_version,
                  .data = page->view(row, ChainPage::kData),
                  .metadata = page->view(row, ChainPage::kMetadata),
                  .tenant = page->view(row, ChainPage::kTenant),
                  .recorded_at_us = row.recorded_at_us},
                 page->view(row, ChainPage::kHash));
    }
  }
  reader.join();
  return status;
}

}  // namespace es::detail
