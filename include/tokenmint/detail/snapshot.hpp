// An immutable snapshot that readers on any thread use without a lock or a shared counter, and
// that a writer replaces: hazard pointers (one record per thread, reused by later threads).
#pragma once

#include <tokenmint/detail/config.hpp>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace tokenmint::detail {

/// The pointer one thread is reading through, published so that a writer does not free it.
struct alignas(64) hazard_record {
  std::atomic<const void*> ptr{nullptr};
  std::atomic<bool> taken{false};
  hazard_record* next = nullptr;  // set before the record is linked, never changed after
};

/// Every record ever made, newest first. Records are never freed: a thread that ends gives its
/// record back (`taken = false`) for the next thread, so there are as many as the most threads
/// that ever read at once.
inline std::atomic<hazard_record*>& hazard_records() noexcept {
  static std::atomic<hazard_record*> head{nullptr};
  return head;
}

class hazard_owner {
 public:
  hazard_owner() {
    for (hazard_record* r = hazard_records().load(std::memory_order_acquire); r != nullptr; r = r->next) {
      bool free = false;
      if (!r->taken.load(std::memory_order_relaxed) && r->taken.compare_exchange_strong(free, true, std::memory_order_acquire)) {
        rec_ = r;
        return;
      }
    }
    rec_ = new hazard_record;
    rec_->taken.store(true, std::memory_order_relaxed);
    hazard_record* head = hazard_records().load(std::memory_order_relaxed);
    do {
      rec_->next = head;
    } while (!hazard_records().compare_exchange_weak(head, rec_, std::memory_order_release, std::memory_order_relaxed));
  }
  hazard_owner(const hazard_owner&) = delete;
  hazard_owner& operator=(const hazard_owner&) = delete;
  ~hazard_owner() {
    rec_->ptr.store(nullptr, std::memory_order_release);
    rec_->taken.store(false, std::memory_order_release);
  }
  hazard_record& record() noexcept { return *rec_; }

 private:
  hazard_record* rec_ = nullptr;
};

/// This thread's record (made, or taken over from an ended thread, on first use: the only
/// allocation, once per thread).
inline hazard_record& this_thread_hazard() {
  thread_local hazard_owner owner;
  return owner.record();
}

/// Holds one `T` at a time, published by `publish` and read by `acquire` from any thread.
///
/// Readers: `acquire()` is lock-free (it loops only while a publish races with it) and touches
/// no memory shared with other readers but the read-mostly pointer: no reference count, no
/// lock, no allocation after a thread's first call. A thread holds at most one guard at a time
/// (of any cell); guards do not nest.
/// Writers: `publish` swaps the pointer, then frees each replaced snapshot that no reader holds;
/// one still held is freed by a later publish or by the cell's destructor, never under a reader.
/// Publishers are serialised by a mutex that readers never touch.
/// Destroy the cell only when no reader holds a guard.
template <class T>
class snapshot_cell {
 public:
  class guard {
   public:
    guard(const guard&) = delete;
    guard& operator=(const guard&) = delete;
    ~guard() { rec_->ptr.store(nullptr, std::memory_order_release); }
    const T* get() const noexcept { return p_; }
    const T* operator->() const noexcept { return p_; }
    explicit operator bool() const noexcept { return p_ != nullptr; }

   private:
    friend class snapshot_cell;
    guard(hazard_record* rec, const T* p) noexcept : rec_(rec), p_(p) {}
    hazard_record* rec_;
    const T* p_;
  };

  snapshot_cell() = default;
  snapshot_cell(const snapshot_cell&) = delete;
  snapshot_cell& operator=(const snapshot_cell&) = delete;
  ~snapshot_cell() {
    delete current_.load(std::memory_order_acquire);
    for (const T* r : retired_) delete r;
  }

  /// The current snapshot (null before the first publish), safe to read until the guard ends.
  guard acquire() const {
    hazard_record& rec = this_thread_hazard();
    const T* p = current_.load(std::memory_order_acquire);
    for (;;) {
      rec.ptr.store(p, std::memory_order_seq_cst);
      const T* again = current_.load(std::memory_order_seq_cst);
      if (again == p) break;
      p = again;
    }
    return guard(&rec, p);
  }

  /// Make `next` the snapshot new readers see. Never waits for a reader: the replaced one is
  /// freed now if no reader holds it (readers hold it for microseconds, so a few yields are
  /// given), else later.
  void publish(std::unique_ptr<const T> next) {
    std::lock_guard<std::mutex> lock(writer_);
    retired_.reserve(retired_.size() + 1);  // so that nothing below can throw
    const T* old = current_.exchange(next.release(), std::memory_order_seq_cst);
    if (old != nullptr) retired_.push_back(old);
    for (int round = 0; round < 64 && reclaim() != 0; ++round) std::this_thread::yield();
  }

 private:
  // Frees every retired snapshot no hazard record points at; returns how many remain.
  std::size_t reclaim() {
    auto held = [](const T* p) {
      for (hazard_record* r = hazard_records().load(std::memory_order_acquire); r != nullptr; r = r->next)
        if (r->ptr.load(std::memory_order_seq_cst) == p) return true;
      return false;
    };
    auto end = std::remove_if(retired_.begin(), retired_.end(), [&](const T* p) {
      if (held(p)) return false;
      delete p;
      return true;
    });
    retired_.erase(end, retired_.end());
    return retired_.size();
  }

  std::atomic<const T*> current_{nullptr};
  mutable std::mutex writer_;
  std::vector<const T*> retired_;
};

}  // namespace tokenmint::detail
