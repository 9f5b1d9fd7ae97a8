"""Count things in streams."""

from collections import defaultdict


class Counter:
    """Counts hashable items."""

    def __init__(self):
        self._counts = defaultdict(int)

    def add(self, item, n=1):
        self._counts[item] += n
        return self

    def most_common(self, k=10):
        return sorted(self._counts.items(), key=lambda kv: -kv[1])[:k]
