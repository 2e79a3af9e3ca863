# /// script
# requires-python = ">=3.11"
# dependencies = ["simplemma>=1.1", "vadersentiment>=3.3.2"]
# [tool.faster-python]
# test = ["--count", "40"]
# ///
"""The tweets analysis itself, in a module of its own so that every worker can
import it.

``tweets.py`` runs it on several engines. It lives here, not in that script,
so that every engine finds it the same way: pool workers and IPyParallel
engines import this module by name, on this machine or another. Dask and
joblib would send a function from ``__main__`` by value instead, and a
notebook cell has no file for a spawned worker to import (see the page on
sharing data).
``python tweets_analysis.py`` analyses a few generated tweets.
"""

import argparse
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries import DefaultDictionaryFactory
from tweets_data import read_tweets, sample_tweets
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

Tweets = dict[str, list[tuple[str, str]]]  # company -> [(ISO date, text), ...]
WORD = re.compile(r"[a-z']+")


# --8<-- [start:models]
@dataclass
class Models:
    sentiment: SentimentIntensityAnalyzer
    lemmatiser: Lemmatizer


def load_models() -> Models:
    """Read VADER's lexicon and the English lemma dictionary: tenths of a
    second."""
    # its own, so each load really reads it
    dictionary = DefaultDictionaryFactory()
    return Models(
        SentimentIntensityAnalyzer(),
        Lemmatizer(
            lemmatization_strategy=DefaultStrategy(
                dictionary_factory=dictionary
            )
        ),
    )


_models: Models | None = None


def models() -> Models:
    """This process's models, loaded on first use: once per worker, not once per
    task."""
    global _models
    if _models is None:
        _models = load_models()
    return _models


def init_worker() -> None:
    """A pool's ``initializer``: load the models as each worker starts."""
    models()


# --8<-- [end:models]


# --8<-- [start:summarise]
@dataclass
class Summary:
    """What one company's tweets, or a chunk of them, add up to; chunks merge
    with +."""

    tweets: int = 0
    characters: int = 0
    first: str = "9999"
    last: str = ""
    positive: int = 0
    words: Counter = field(default_factory=Counter)

    def __add__(self, other: "Summary") -> "Summary":
        return Summary(
            self.tweets + other.tweets,
            self.characters + other.characters,
            min(self.first, other.first),
            max(self.last, other.last),
            self.positive + other.positive,
            self.words + other.words,
        )


def summarise(
    rows: list[tuple[str, str]], loaded: Models | None = None
) -> Summary:
    """Count, lengths, dates, lemmatised words and positive tweets of some
    tweets."""
    m = loaded or models()
    s = Summary()
    for date, text in rows:
        s.tweets += 1
        s.characters += len(text)
        s.first, s.last = min(s.first, date), max(s.last, date)
        for token in text.lower().split():
            if not token.startswith(("@", "#", "http")):
                s.words.update(
                    m.lemmatiser.lemmatize(w, lang="en")
                    for w in WORD.findall(token)
                )
        # VADER's own threshold
        if m.sentiment.polarity_scores(text)["compound"] >= 0.05:
            s.positive += 1
    return s


def report(parts: list[tuple[str, Summary]]) -> dict:
    """Merge the parts of each company into the results every variant
    returns."""
    totals: dict[str, Summary] = {}
    for company, part in parts:
        totals[company] = totals.get(company, Summary()) + part
    return {
        company: {
            "tweets": s.tweets,
            "mean length": s.characters / s.tweets,
            "dates": (s.first, s.last),
            "positive share": s.positive / s.tweets,
            "words": dict(sorted(s.words.items())),
        }
        for company, s in sorted(totals.items())
    }


# --8<-- [end:summarise]


# --8<-- [start:split]
def by_company(tweets: Tweets) -> list[tuple[str, list]]:
    """One task per company: as many tasks as companies, as unequal as they
    are."""
    return list(tweets.items())


def in_chunks(tweets: Tweets, size: int = 500) -> list[tuple[str, list]]:
    """Tasks of at most ``size`` tweets each: many more tasks than workers, of
    equal size."""
    return [
        (company, rows[start : start + size])
        for company, rows in tweets.items()
        for start in range(0, len(rows), size)
    ]


def summarise_task(task: tuple[str, list]) -> tuple[str, Summary]:
    company, rows = task
    return company, summarise(rows)


# --8<-- [end:split]


# --8<-- [start:per_task]
def summarise_task_loading_models(
    task: tuple[str, list],
) -> tuple[str, Summary]:
    """The mistake: every task loads the models again."""
    company, rows = task
    return company, summarise(rows, load_models())


# --8<-- [end:per_task]


def load_tweets(count: int, csv: str | None = None) -> Tweets:
    """A real CSV's tweets, or ``count`` generated ones."""
    return read_tweets(Path(csv) if csv else sample_tweets(count))


def print_report(found: dict) -> None:
    """One line per company: what ``report`` found."""
    for company, r in found.items():
        top = ", ".join(w for w, _ in Counter(r["words"]).most_common(5))
        print(
            f"{company:10} {r['tweets']:6} tweets, mean {r['mean length']:.0f} "
            "characters, "
            f"{r['positive share']:.0%} positive, {r['dates'][0][:10]} to "
            f"{r['dates'][1][:10]}; "
            f"top words: {top}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--count", type=int, default=200, help="how many generated tweets"
    )
    parser.add_argument(
        "--csv", help="analyse this CSV (company, date, text) instead"
    )
    args = parser.parse_args()
    tweets = load_tweets(args.count, args.csv)
    print_report(report([summarise_task(task) for task in by_company(tweets)]))
