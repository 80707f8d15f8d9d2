#include "engine/workerslots.h"

#include "base/procstats.h"
#include "engine/workerhandle.h"

#include <algorithm>

namespace sharedmap {

WorkerSlots::WorkerSlots(QObject* parent)
    : QObject(parent)
{ }

WorkerSlots::~WorkerSlots()
{
    // Before QObject's own clean-up, so that no handle reports anything to a half-destroyed owner.
    const auto handles = findChildren<WorkerHandle*>(QString(), Qt::FindDirectChildrenOnly);
    for (WorkerHandle* handle : handles) {
        handle->abandon();
        delete handle;
    }
}

void WorkerSlots::takeOver(int count, bool reuseParked, bool sameInput, int quitGraceMs)
{
    std::vector<Slot> earlier = std::move(m_slots);
    m_slots.assign(size_t(count), Slot());
    for (int i = 0; i < count && i < int(earlier.size()); ++i) {
        Slot& old = earlier[size_t(i)];
        // A parked worker that died is not reused, even before its QProcess has told (no event
        // loop ran since).
        if (!reuseParked || !old.worker || !old.worker->parked() || !processRunning(old.pid))
            continue;
        m_slots[size_t(i)] = old;
        old.worker = nullptr;
        if (!sameInput)
            m_slots[size_t(i)].worker->clearResident(); // it maps the new array first
    }
    for (Slot& slot : earlier) {
        if (!slot.worker)
            continue;
        // A worker no job needs any more: ask it to quit, kill it if it does not.
        slot.worker->abandon();
        slot.worker->stop(false, quitGraceMs);
    }
}

int WorkerSlots::grow(int count)
{
    const int first = this->count();
    if (count > first)
        m_slots.resize(size_t(count));
    return first;
}

WorkerHandle* WorkerSlots::create(int slot)
{
    auto* handle = new WorkerHandle(slot, this);
    m_slots[size_t(slot)].worker = handle;
    m_slots[size_t(slot)].pid = 0;
    return handle;
}

bool WorkerSlots::isCurrent(const WorkerHandle* handle) const
{
    const int slot = handle->slot();
    return slot < count() && m_slots[size_t(slot)].worker == handle;
}

WorkerProbe WorkerSlots::probe(int slot) const
{
    WorkerProbe probe;
    const WorkerHandle* worker = slot < count() ? handle(slot) : nullptr;
    if (!worker)
        return probe;
    probe.pid = pid(slot);
    probe.attached = worker->attached();
    probe.idle = worker->idle();
    probe.killed = !worker->killReason().isEmpty();
    return probe;
}

bool WorkerSlots::allIdle(bool* anyAlive) const
{
    *anyAlive = false;
    for (const Slot& slot : m_slots) {
        if (!slot.worker)
            continue;
        *anyAlive = true;
        if (!slot.worker->attached() || !slot.worker->idle())
            return false;
    }
    return true;
}

bool WorkerSlots::allParked() const
{
    return std::none_of(m_slots.cbegin(), m_slots.cend(),
                        [](const Slot& s) { return s.worker && !s.worker->parked(); });
}

bool WorkerSlots::allResident() const
{
    return !m_slots.empty() && std::all_of(m_slots.cbegin(), m_slots.cend(), [](const Slot& s) {
        return s.worker && s.worker->parked() && s.worker->resident();
    });
}

void WorkerSlots::wakeIdle()
{
    for (Slot& slot : m_slots) {
        if (slot.worker)
            slot.worker->wake();
    }
}

bool WorkerSlots::stopAll(bool park, int graceMs)
{
    bool anyAlive = false;
    for (Slot& slot : m_slots) {
        if (!slot.worker)
            continue;
        anyAlive = true;
        slot.worker->stop(park && slot.worker->attached(), graceMs);
    }
    return anyAlive;
}

void WorkerSlots::killUnparked()
{
    for (Slot& slot : m_slots) {
        if (slot.worker && !slot.worker->parked())
            slot.worker->kill();
    }
}

void WorkerSlots::abandonAll()
{
    for (Slot& slot : m_slots) {
        if (!slot.worker)
            continue;
        WorkerHandle* handle = slot.worker;
        slot.worker = nullptr;
        handle->abandon();
        handle->kill();
    }
}

} // namespace sharedmap
