"""A real tool that runs on any machine: BM25 search over a local corpus, with ground truth.

The corpus is a gazetteer of fictional towns (name, river, founding year, mayor, trade), built
deterministically from a seed, so a policy cannot know the answers and must search for them
(Search-R1 style). ``Gazetteer.search`` answers the ``search`` preset
(``gtm_core.serve.rl.search_spec``: ``query``, ``top_k`` -> ranked ``results``) with real Okapi
BM25 over the documents; ``Gazetteer.questions`` gives questions with their ground-truth answers.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

_ONSETS = "b br c d dr f g gr h k l m n p qu r s st t th v w z".split()
_VOWELS = "a e i o u ae ei ou y".split()
_CODAS = "b ck d ld ll m n nd r rn rt s sk st th x".split()
_FIRST = (
    "Irna Tomas Elske Bruno Maren Oskar Liv Anselm Greta Pavel Ines Hugo Vera Emil Sanne Ruben "
    "Alma Kasper Nadia Viggo Thea Jonas Mira Felix Ada Linus Runa Otto Cleo Arvid"
).split()
_TRADES = (
    "copper mines|salt pans|glass blowing|wool weaving|cider presses|clock making|rope making|"
    "amber carving|cheese cellars|tin smelting|paper mills|bell casting|lace making|boat building|"
    "horse breeding|honey farms"
).split("|")
QUESTION_KINDS = ("mayor", "river", "founded", "trade")
_WORD = re.compile(r"[a-z0-9]+")


def _name(rng: random.Random, syllables: int) -> str:
    parts = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)]
    return ("".join(parts) + rng.choice(_CODAS)).capitalize()


def tokens(text: str) -> list[str]:
    """Lower-case word tokens (the BM25 vocabulary)."""
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class Town:
    name: str
    river: str
    founded: int
    mayor: str
    trade: str

    def document(self) -> dict[str, str]:
        text = (
            f"{self.name} is a town on the river {self.river}, founded in {self.founded}. "
            f"Its mayor is {self.mayor}. {self.name} is known for its {self.trade}."
        )
        return {"id": self.name.lower(), "title": self.name, "contents": text}

    def question(self, kind: str) -> tuple[str, str]:
        """(question, answer) of one kind (``QUESTION_KINDS``)."""
        return {
            "mayor": (f"Who is the mayor of {self.name}?", self.mayor),
            "river": (f"On which river is the town of {self.name}?", self.river),
            "founded": (f"In which year was {self.name} founded?", str(self.founded)),
            "trade": (f"What is the town of {self.name} known for?", self.trade),
        }[kind]


class Gazetteer:
    """``size`` fictional towns and a BM25 index over their documents (k1=1.2, b=0.75)."""

    def __init__(self, size: int = 300, seed: int = 0, k1: float = 1.2, b: float = 0.75):
        rng = random.Random(seed)
        towns: dict[str, Town] = {}
        while len(towns) < size:
            name = _name(rng, rng.choice((1, 2)))
            if name in towns or len(name) < 4:
                continue
            mayor = f"{rng.choice(_FIRST)} {_name(rng, 1)}"
            towns[name] = Town(
                name, _name(rng, 2), rng.randint(1200, 1899), mayor, rng.choice(_TRADES)
            )
        self.towns = list(towns.values())
        self.docs = [t.document() for t in self.towns]
        self.k1, self.b = k1, b
        self._tf = [Counter(tokens(d["title"] + " " + d["contents"])) for d in self.docs]
        self._len = [sum(tf.values()) for tf in self._tf]
        self._avg = sum(self._len) / max(1, len(self._len))
        df = Counter(w for tf in self._tf for w in tf)
        n = len(self.docs)
        self._idf = {w: math.log(1 + (n - c + 0.5) / (c + 0.5)) for w, c in df.items()}

    def scores(self, query: str) -> list[float]:
        """The BM25 score of every document for ``query``."""
        q = [w for w in tokens(query) if w in self._idf]
        out = []
        for tf, n in zip(self._tf, self._len, strict=True):
            s = 0.0
            for w in q:
                f = tf.get(w, 0)
                if f:
                    s += (
                        self._idf[w]
                        * f
                        * (self.k1 + 1)
                        / (f + self.k1 * (1 - self.b + self.b * n / self._avg))
                    )
            out.append(s)
        return out

    def search(self, query: str, top_k: int = 3) -> dict[str, Any]:
        """The ``search`` preset's answer: the ``top_k`` best documents with a score > 0."""
        if not isinstance(query, str):
            raise TypeError(f"query: expected a string, got {type(query).__name__}")
        k = max(1, min(10, int(top_k)))
        scored = sorted(enumerate(self.scores(query)), key=lambda p: -p[1])[:k]
        return {"results": [{**self.docs[i], "score": round(s, 4)} for i, s in scored if s > 0]}

    def questions(self, n: int, seed: int = 0, kinds: tuple[str, ...] = QUESTION_KINDS):
        """``n`` rows ``{question, answer, town, kind}`` over distinct towns (seeded)."""
        rng = random.Random(seed)
        towns = rng.sample(self.towns, min(n, len(self.towns)))
        rows = []
        for t in towns:
            kind = rng.choice(kinds)
            q, a = t.question(kind)
            rows.append({"question": q, "answer": a, "town": t.name, "kind": kind})
        return rows

    def tool(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """The real ``search`` tool as ``(arguments) -> output`` (``trl_env``'s real-tool form)."""
        return self.search(arguments["query"], arguments.get("top_k", 3))
