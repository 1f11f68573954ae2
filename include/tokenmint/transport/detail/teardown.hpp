// Teardown in any order: I/O objects an owner keeps between calls (the transport's pooled
// connections) are released when their io_context shuts down, so the owner may be destroyed
// before or after it.
#pragma once

#include <tokenmint/detail/asio.hpp>

#include <asio/execution/context.hpp>
#include <asio/execution_context.hpp>
#include <asio/query.hpp>

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace tokenmint::detail {

/// Something that keeps I/O objects of an execution context beyond one call.
class io_owner {
 public:
  /// Called once, from the context's shutdown (no handler runs any more, its services are still
  /// alive): destroy every socket and timer held for later. The owner is unusable afterwards.
  virtual void on_context_shutdown() noexcept = 0;

 protected:
  ~io_owner() = default;
};

/// An Asio service that tells the live owners of its context when the context shuts down.
/// Destroying an `io_context` shuts its services down before destroying them: that is the last
/// moment a socket of it can be closed, so an owner destroyed later finds nothing left to free.
class teardown_service final : public asio::execution_context::service {
 public:
  using key_type = teardown_service;
  static inline asio::execution_context::id id;

  explicit teardown_service(asio::execution_context& ctx) : asio::execution_context::service(ctx) {}

  /// Registers `owner` (held weakly: an owner destroyed first simply drops out). Thread-safe.
  void add(std::weak_ptr<io_owner> owner) {
    const std::lock_guard lock(mutex_);
    std::erase_if(owners_, [](const std::weak_ptr<io_owner>& o) { return o.expired(); });
    owners_.push_back(std::move(owner));
  }

  /// Registers `owner` with the execution context `ex` belongs to.
  template <class Executor>
  static void watch(const Executor& ex, std::weak_ptr<io_owner> owner) {
    asio::use_service<teardown_service>(asio::query(ex, asio::execution::context)).add(std::move(owner));
  }

 private:
  void shutdown() override {
    std::vector<std::weak_ptr<io_owner>> owners;
    {
      const std::lock_guard lock(mutex_);
      owners.swap(owners_);
    }
    for (auto& weak : owners)
      if (auto o = weak.lock()) o->on_context_shutdown();
  }

  std::mutex mutex_;
  std::vector<std::weak_ptr<io_owner>> owners_;
};

}  // namespace tokenmint::detail
