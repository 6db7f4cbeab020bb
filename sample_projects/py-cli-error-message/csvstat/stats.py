"""Per-column statistics: type, blanks, distinct values, numeric range and mean."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional


def _number(text: str) -> Optional[float]:
    t = text.strip().replace("_", "")
    if not t:
        return None
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass
class Column:
    name: str
    count: int = 0
    blanks: int = 0
    numbers: List[float] = field(default_factory=list)
    values: Dict[str, int] = field(default_factory=dict)
    longest: int = 0

    def add(self, text: str) -> None:
        self.count += 1
        if not text.strip():
            self.blanks += 1
            return
        self.values[text] = self.values.get(text, 0) + 1
        self.longest = max(self.longest, len(text))
        n = _number(text)
        if n is not None:
            self.numbers.append(n)

    @property
    def kind(self) -> str:
        filled = self.count - self.blanks
        if filled == 0:
            return "empty"
        if len(self.numbers) == filled:
            return "integer" if all(n.is_integer() for n in self.numbers) else "number"
        return "text"

    def summary(self) -> Dict[str, object]:
        out: Dict[str, object] = {
            "name": self.name,
            "type": self.kind,
            "blanks": self.blanks,
            "distinct": len(self.values),
        }
        if self.kind in ("integer", "number"):
            out["min"] = min(self.numbers)
            out["max"] = max(self.numbers)
            out["mean"] = round(sum(self.numbers) / len(self.numbers), 4)
        else:
            top = sorted(self.values.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
            out["top"] = [v for v, _ in top]
            out["longest"] = self.longest
        return out


def summarize(header: List[str], rows: List[List[str]]) -> List[Dict[str, object]]:
    columns = [Column(name or f"column{i + 1}") for i, name in enumerate(header)]
    for row in rows:
        for i, col in enumerate(columns):
            col.add(row[i] if i < len(row) else "")
    return [c.summary() for c in columns]
