# /// script
# requires-python = ">=3.11"
# dependencies = []
# [tool.faster-python]
# test = ["--count", "20"]
# ///
"""Make a file of realistic tweets about four tech companies, or read a real
one.

The tweets case (``tweets.py``) analyses these. They are generated from a
seed, so every run and every machine gets the same tweets, and cached as a
CSV in ``.cache/`` beside this file. Like real data, the companies are of
unequal size, tweets vary in length, and some are positive, some negative,
most neutral; they mention users and carry hashtags and links.
``python tweets_data.py --count 20`` prints a few.

A real file works too (``--csv tweets.csv``): a CSV with the columns
``company``, ``date`` (ISO 8601, such as ``2024-03-01T09:30:00``) and ``text``.
"""

import argparse
import csv
import datetime as dt
import os
import random
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"

# Each company's share of the tweets: unequal, as in real data, where one
# company is talked about far more than the rest.
COMPANIES = {"apple": 0.62, "google": 0.20, "microsoft": 0.11, "twitter": 0.07}
FIRST_DAY = datetime(2024, 1, 1)
VERSION = (
    2  # part of the cached file's name: change it when the generator changes
)
DAYS = 90

PRODUCTS = {
    "apple": [
        "iphone",
        "ipad",
        "macbook",
        "watch",
        "airpods",
        "ios",
        "siri",
        "store",
    ],
    "google": [
        "android",
        "pixel",
        "search",
        "maps",
        "gmail",
        "chrome",
        "nexus",
        "drive",
    ],
    "microsoft": [
        "windows",
        "xbox",
        "office",
        "surface",
        "azure",
        "teams",
        "bing",
        "outlook",
    ],
    "twitter": [
        "timeline",
        "app",
        "feed",
        "account",
        "followers",
        "trends",
        "ads",
        "profile",
    ],
}
POSITIVE = [
    "love",
    "great",
    "awesome",
    "amazing",
    "happy",
    "best",
    "excellent",
    "nice",
    "cool",
]
NEGATIVE = [
    "hate",
    "terrible",
    "awful",
    "worst",
    "broken",
    "slow",
    "angry",
    "sad",
    "annoying",
]
NEUTRAL = [
    "just", "got", "the", "new", "update", "today", "using", "my", "is",
    "was", "has", "anyone", "know", "when", "will", "release", "event",
    "phones", "running", "working", "switched", "from", "to", "again",
    "after", "waiting", "buying", "batteries", "screens", "keynote",
    "announced", "features", "people", "still", "looks", "feels", "prices",
]  # fmt: skip
USERS = [
    "tim",
    "sundar",
    "satya",
    "jack",
    "verge",
    "techcrunch",
    "wired",
    "engadget",
    "anna",
]


def make_tweet(rng: random.Random, company: str) -> tuple[str, str]:
    """One tweet: its ISO date and text, with a mood drawn at random."""
    when = FIRST_DAY + timedelta(seconds=rng.randrange(DAYS * 86400))
    mood = rng.choices(["positive", "negative", "neutral"], weights=[3, 2, 5])[
        0
    ]
    words = rng.choices(NEUTRAL, k=rng.randint(4, 18))
    words.insert(rng.randrange(len(words) + 1), rng.choice(PRODUCTS[company]))
    if mood != "neutral":
        lexicon = POSITIVE if mood == "positive" else NEGATIVE
        for _ in range(rng.randint(1, 2)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(lexicon))
    if rng.random() < 0.6:
        words.insert(0, f"@{company}")
    if rng.random() < 0.3:
        words.append(f"@{rng.choice(USERS)}")
    if rng.random() < 0.4:
        words.append(f"#{rng.choice(PRODUCTS[company])}")
    if rng.random() < 0.15:
        words.append(f"https://t.co/{rng.getrandbits(40):010x}")
    text = " ".join(words)
    return when.isoformat(timespec="seconds"), text[0].upper() + text[1:]


def generate(path: Path, count: int, seed: int) -> None:
    rows = []
    for index, (company, share) in enumerate(COMPANIES.items()):
        # One generator per company: a company's tweets do not depend on the
        # others'.
        rng = random.Random(f"{seed}-{index}")
        rows += [
            (company, *make_tweet(rng, company))
            for _ in range(round(count * share))
        ]
    # another run may be writing it too
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["company", "date", "text"])
        writer.writerows(rows)
    tmp.replace(path)  # never leave half a file behind


def sample_tweets(count: int, seed: int = 2016) -> Path:
    """The CSV of ``count`` generated tweets, made on first use and cached."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"tweets-v{VERSION}-seed{seed}-{count}.csv"
    if not path.exists():
        generate(path, count, seed)
    return path


def parsed_date(value: str, where: str) -> str:
    """An ISO 8601 date or date and time, as one form that sorts by time; or a
    sentence naming the row that holds something else."""
    try:
        return dt.datetime.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise SystemExit(
            f"{where}: date {value!r} is not a date "
            "(write it as 2024-02-03 or 2024-02-03T10:00:00)"
        ) from None


def read_tweets(path: Path) -> dict[str, list[tuple[str, str]]]:
    """company -> [(date, text), ...], from a CSV with company, date and text
    columns."""
    by_company = defaultdict(list)
    if not Path(path).is_file():
        raise SystemExit(f"{path}: no such file")
    with Path(path).open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        missing = {"company", "date", "text"} - set(reader.fieldnames or [])
        if missing:
            raise SystemExit(f"{path}: no column {', '.join(sorted(missing))}")
        for row in reader:
            when = parsed_date(row["date"], f"{path}, line {reader.line_num}")
            by_company[row["company"]].append((when, row["text"]))
    if not by_company:
        raise SystemExit(f"{path}: no tweets in it")
    return dict(by_company)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args()
    tweets = read_tweets(sample_tweets(args.count, args.seed))
    for company, rows in tweets.items():
        print(f"{company}: {len(rows)} tweets")
        for date, text in rows[:3]:
            print(f"  {date}  {text}")
