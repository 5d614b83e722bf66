#include "projection/page_reader.h"

#include <algorithm>

namespace es::detail {

PageReader::~PageReader() {
  if (ahead_.valid()) ahead_.wait();
}

Status PageReader::read(Position from, Page& page) const {
  auto head = store_.head_position();
  if (!head) return head.error();
  ReadAllOptions options = read_;
  options.from = from;
  ES_RETURN_IF_ERROR(store_.read_all(options, page.slice));
  page.head = std::max(*head, page.slice.end ? page.slice.next : *head);
  return Status::ok();
}

Result<PageReader::Page*> PageReader::next() {
  const std::size_t other = 1 - current_;
  if (ahead_.valid()) {
    ES_RETURN_IF_ERROR(ahead_.get());
  } else {
    ES_RETURN_IF_ERROR(read(read_.from, pages_[other]));
  }
  current_ = other;
  Page& page = pages_[current_];
  read_.from = page.slice.next;
  if (!page.slice.end) {
    ahead_ = std::async(std::launch::async, [this, from = read_.from, &fill = pages_[other ^ 1]] {
      return read(from, fill);
    });
  }
  return &page;
}

}  // namespace es::detail
