#!/usr/bin/env python3
"""Generate a large synthetic Slack export (unpacked folder) for benchmarks.

    bench/gen-slack-export.py OUT_DIR [--messages N] [--users N] [--channels N] [--seed S]
                              [--files N]

Layout and fields follow a real export (see src/connectors/slack_export/reader.rs for the
sources): users.json, channels.json, groups.json, dms.json, mpims.json, one folder per
conversation with one JSON array per day, and __uploads/<file id>/<name> for file content.

Shape: about 20% of the messages are thread replies (to a root a little earlier in the
same channel), 10% carry reactions, messages mix mrkdwn, mentions, links and non-ASCII
text. Deterministic for a given seed. Memory stays small: one day file is built at a time.
"""

import argparse
import json
import os
import random

WORDS = (
    "réunion budget projet équipe déploiement client merci bonjour demain semaine "
    "会議 資料 확인 안녕하세요 données rapport été planning café 🎉 👍 release build "
    "review ticket sprint objectif ventes magasin région formation"
).split()
EMOJI = ["+1", "tada", "heart", "eyes", "white_check_mark", "joy", "fire", "pray",
         "party-parrot", "thumbsup::skin-tone-3"]
DAY = 86400


def text(rng, users):
    words = rng.choices(WORDS, k=rng.randint(4, 24))
    i = rng.randrange(len(words))
    kind = rng.random()
    if kind < 0.15:
        words[i] = f"<@{rng.choice(users)}>"
    elif kind < 0.25:
        words[i] = f"*{words[i]}*"
    elif kind < 0.32:
        words[i] = f"<https://example.com/doc/{rng.randrange(10**6)}?a=1&amp;b=2|doc>"
    elif kind < 0.36:
        words[i] = f"`{words[i]}`"
    elif kind < 0.40:
        words[i] = f"_{words[i]}_"
    return " ".join(words)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--users", type=int, default=1_000)
    ap.add_argument("--channels", type=int, default=50)
    ap.add_argument("--files", type=int, default=0,
                    help="messages that share a small file whose content is included")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)

    users = [f"U{n:07d}" for n in range(args.users)]
    with open(os.path.join(args.out, "users.json"), "w", encoding="utf-8") as f:
        json.dump([{
            "id": u, "name": f"user{n}", "deleted": n % 50 == 49, "is_bot": False,
            "profile": {"real_name": f"Usér {n} 名前", "display_name": f"user{n}",
                        "email": f"user{n}@example.com", "title": "Staff"},
        } for n, u in enumerate(users)], f, ensure_ascii=False)

    channels = []
    for n in range(args.channels):
        members = sorted(rng.sample(users, min(len(users), rng.randint(2, 200))))
        channels.append({"id": f"C{n:07d}", "name": f"channel-{n}", "created": 1_600_000_000,
                         "creator": members[0], "is_archived": False, "members": members,
                         "topic": {"value": ""}, "purpose": {"value": f"Canal n°{n}"}})
    with open(os.path.join(args.out, "channels.json"), "w", encoding="utf-8") as f:
        json.dump(channels, f, ensure_ascii=False)
    for name in ("groups.json", "dms.json", "mpims.json"):
        with open(os.path.join(args.out, name), "w") as f:
            f.write("[]")

    # Spread messages over channels, then over days (≈ 200 messages per channel-day).
    per_channel = [args.messages // args.channels] * args.channels
    for i in range(args.messages % args.channels):
        per_channel[i] += 1
    file_every = args.messages // args.files if args.files else 0
    counter = 0
    for ch, count in zip(channels, per_channel):
        folder = os.path.join(args.out, ch["name"])
        os.makedirs(folder, exist_ok=True)
        ts = 1_700_000_000.0
        roots = []  # recent roots of this channel
        day_msgs, day = [], None
        members = ch["members"]
        for _ in range(count):
            ts += rng.uniform(1, 400)
            stamp = f"{ts:.6f}"
            d = int(ts // DAY)
            if day is not None and d != day:
                write_day(folder, day, day_msgs)
                day_msgs = []
            day = d
            m = {"type": "message", "ts": stamp, "user": rng.choice(members),
                 "text": text(rng, members)}
            if roots and rng.random() < 0.20:
                m["thread_ts"] = rng.choice(roots)
            elif rng.random() < 0.3:
                # A thread parent carries its own ts as thread_ts, as in real exports.
                m["thread_ts"] = stamp
                roots.append(stamp)
                del roots[:-20]
            if rng.random() < 0.10:
                names = rng.sample(EMOJI, rng.randint(1, 3))
                m["reactions"] = [{"name": e, "users": rng.sample(members, min(len(members), rng.randint(1, 4))),
                                   "count": 1} for e in names]
            counter += 1
            if file_every and counter % file_every == 0:
                fid = f"F{counter:09d}"
                name = f"note-{counter}.txt"
                os.makedirs(os.path.join(args.out, "__uploads", fid), exist_ok=True)
                with open(os.path.join(args.out, "__uploads", fid, name), "w", encoding="utf-8") as f:
                    f.write(f"fichier {counter} ✓\n" * 20)
                m["files"] = [{"id": fid, "name": name, "mimetype": "text/plain",
                               "url_private": f"https://files.slack.com/files-pri/T1-{fid}/{name}"}]
            day_msgs.append(m)
        if day_msgs:
            write_day(folder, day, day_msgs)


def write_day(folder, day, messages):
    import datetime
    date = datetime.datetime.fromtimestamp(day * DAY, datetime.timezone.utc).strftime("%Y-%m-%d")
    with open(os.path.join(folder, f"{date}.json"), "w", encoding="utf-8") as f:
        json.dump(messages, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
