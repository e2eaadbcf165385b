/// A binary min-heap of timer entries (deadline in epoch milliseconds, job key, generation).
///
/// Entries are never removed early: a popped entry whose generation no longer matches the job's
/// is ignored by the caller (lazy deletion).
struct DeadlineHeap {
    struct Entry {
        var deadline: Int64
        var key: Int64
        var generation: Int
    }

    private var storage: [Entry] = []

    var isEmpty: Bool { storage.isEmpty }
    var count: Int { storage.count }
    var min: Entry? { storage.first }

    mutating func push(_ entry: Entry) {
        storage.append(entry)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child].deadline < storage[parent].deadline else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() -> Entry? {
        guard !storage.isEmpty else { return nil }
        let top = storage[0]
        let last = storage.removeLast()
        if !storage.isEmpty {
            storage[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < storage.count, storage[left].deadline < storage[smallest].deadline { smallest = left }
                if right < storage.count, storage[right].deadline < storage[smallest].deadline { smallest = right }
                if smallest == parent { break }
                storage.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}
