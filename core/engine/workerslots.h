#pragma once

#include "engine/sampler.h"
#include "engine/workerhandle.h"

#include <QObject>
#include <QPointer>
#include <vector>

namespace sharedmap {

/// The pool's worker processes, one slot each: the handle in a slot (none while no process runs
/// there), the pid its worker said hello with, how often the slot's worker was replaced; which
/// parked workers a new job takes over (warm pool); and what the pool asks of all of them at
/// once. The handles are its children: it outlives every one it made.
class WorkerSlots : public QObject
{
    Q_OBJECT
public:
    explicit WorkerSlots(QObject* parent = nullptr);
    ~WorkerSlots() override;

    /// Slots for a new job: parked workers keep their slot when `reuseParked` (still resident
    /// only on `sameInput`); the others are asked to quit, killed after `quitGraceMs`.
    void takeOver(int count, bool reuseParked, bool sameInput, int quitGraceMs);
    /// Slots up to `count` in all, for workers started ahead of a job; returns the first new one.
    int grow(int count);
    /// A new handle in `slot` (the pool connects and launches it).
    WorkerHandle* create(int slot);
    /// The slot's process exited: its handle is gone.
    void clear(int slot) { m_slots[size_t(slot)].worker = nullptr; }

    int count() const { return int(m_slots.size()); }
    WorkerHandle* handle(int slot) const { return m_slots[size_t(slot)].worker.data(); }
    /// The handle is its slot's worker (not one let go of, or of an earlier job).
    bool isCurrent(const WorkerHandle* handle) const;
    qint64 pid(int slot) const { return m_slots[size_t(slot)].pid; }
    void setPid(int slot, qint64 pid) { m_slots[size_t(slot)].pid = pid; }
    int restarts(int slot) const { return m_slots[size_t(slot)].restarts; }
    void countRestart(int slot) { ++m_slots[size_t(slot)].restarts; }
    /// What the sampler needs to know of the slot's worker.
    WorkerProbe probe(int slot) const;

    /// True when every running worker has attached and gone idle; `anyAlive` says if one runs.
    bool allIdle(bool* anyAlive) const;
    /// No running worker is still attached to the job (each parked or exited).
    bool allParked() const;
    /// There are workers, every one parked with the whole input in its page tables.
    bool allResident() const;
    /// Tells every idle worker to look for work again.
    void wakeIdle();
    /// stop() on every running worker: park those that attached when `park`. False if none runs.
    bool stopAll(bool park, int graceMs);
    /// Kills every worker that has not parked.
    void killUnparked();
    /// Kills every worker and lets go of it (failure).
    void abandonAll();

private:
    struct Slot
    {
        QPointer<WorkerHandle> worker;
        qint64 pid = 0; ///< as the worker said hello
        int restarts = 0;
    };

    std::vector<Slot> m_slots;
};

} // namespace sharedmap
