// The bank's schema history as upcaster steps: what turns the events older releases stored
// (bank/legacy_events.h) into today's (bank/account.h). Give them to every reader of account
// streams — the repository, projections, `es read --upcast` — so that old and new histories load
// alike. Today's events pass through unchanged.
//
// Thread safety: returns a fresh value; share it read-only (es/domain/upcaster.h).
//
//   static const es::Upcasters kUpcasters = bank::upcasters();
//   es::Repository<bank::Account> accounts(*store, {.upcasters = &kUpcasters});
//   auto carol = accounts.load("carol");  // written by release 1, loads as today's Account
#pragma once

#include "es/domain/upcaster.h"

namespace bank {

// The steps, each documented where it is registered (bank/upcasters.cc):
//   bank.AccountOpenedWithDeposit v1 -> v2               overdraft_cents = 0 added
//   bank.AccountOpenedWithDeposit v2 -> AccountOpened + MoneyDeposited    a split
//   bank.FundsAdded v1 -> bank.MoneyDeposited v1         amount_cents renamed to cents
// A legacy payload that does not decode fails the upcast, naming the field.
es::Upcasters upcasters();

}  // namespace bank
