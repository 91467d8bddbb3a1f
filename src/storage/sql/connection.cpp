#include "storage/sql/connection.hpp"

namespace herald::storage::sql {

std::unique_ptr<BoundDb> BoundDb::snapshot(Db& db) {
  std::unique_ptr<BoundDb> b(new BoundDb());
  b->read_ = std::make_unique<Lease>(db.reader());
  b->conn_ = &**b->read_;
  b->conn_->begin_read();
  return b;
}

std::unique_ptr<BoundDb> BoundDb::transaction(Db& db) {
  std::unique_ptr<BoundDb> b(new BoundDb());
  b->write_ = std::make_unique<WriteLease>(db.writer());
  b->conn_ = &**b->write_;
  if (b->conn_->in_transaction())
    throw StorageError("a transaction was begun inside another one on this thread");
  b->conn_->begin_write();
  return b;
}

BoundDb::~BoundDb() {
  if (done_ || !conn_) return;
  try {
    if (write_)
      conn_->exec("ROLLBACK");
    else
      conn_->prepare("COMMIT").run();  // prepared once per connection: one per page adds up
  } catch (...) {
    // Never pool a connection in an unknown state.
    if (read_) read_->discard();
    if (write_) write_->discard();
  }
}

void BoundDb::commit() {
  if (done_) return;
  conn_->exec("COMMIT");
  done_ = true;
  write_.reset();  // the writer is free again
}

WriteLease BoundDb::writer() {
  if (!write_) {
    if (done_) throw StorageError("this transaction has ended; begin another one");
    throw StorageError("a read snapshot cannot write; write outside it");
  }
  return WriteLease({}, Lease(conn_));
}

Step::Step(Connection& c, bool active) : c_(c) {
  if (!active) return;
  if (c_.in_transaction()) {
    c_.exec("SAVEPOINT step");
    mode_ = Mode::Savepoint;
  } else {
    c_.begin_write();
    mode_ = Mode::Top;
  }
}

Step::~Step() {
  if (done_ || mode_ == Mode::None) return;
  try {
    if (mode_ == Mode::Top) {
      c_.exec("ROLLBACK");
    } else {
      c_.exec("ROLLBACK TO SAVEPOINT step");
      c_.exec("RELEASE SAVEPOINT step");
    }
  } catch (...) {
  }
}

void Step::commit() {
  if (mode_ == Mode::Top) c_.exec("COMMIT");
  if (mode_ == Mode::Savepoint) c_.exec("RELEASE SAVEPOINT step");
  done_ = true;
}

}  // namespace herald::storage::sql
