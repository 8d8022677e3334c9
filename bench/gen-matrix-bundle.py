#!/usr/bin/env python3
"""Writes an esnctl bundle for bench/matrix-import.sh: ROOMS communities of MESSAGES
messages each (every fifth message a reply in the thread of an earlier root), written by
USERS users, posts listed community by community in time order (as exports list them).

  gen-matrix-bundle.py OUT --prefix P [--rooms 20] [--messages-per-room 1000] [--users 50]
                       [--members-per-room 10] [--no-posts] [--seed 42]

Keys: users `bench-uNNN` (shared by every prefix, so several bundles import into the same
server), communities `P-room-NN`. `--no-posts` writes users, communities and memberships
only (to create them before a timed run).
"""
import argparse
import json
import os
import random
from datetime import datetime, timedelta, timezone

WORDS = ("réunion planning café livraison inventaire équipe magasin 山田 提案 회의 "
         "🎉 👍 rapport client commande horaires ouverture fermeture").split()


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--rooms", type=int, default=20)
    ap.add_argument("--messages-per-room", type=int, default=1000)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--members-per-room", type=int, default=10)
    ap.add_argument("--no-posts", action="store_true")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    users = [f"bench-u{i:03d}" for i in range(a.users)]
    rooms = [f"{a.prefix}-room-{r:02d}" for r in range(a.rooms)]
    members = {r: rnd.sample(users, min(a.members_per_room, len(users))) for r in rooms}

    def jsonl(name, rows):
        with open(os.path.join(a.out, name), "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        return len(rows) if isinstance(rows, list) else None

    counts = {"users": len(users), "communities": len(rooms), "posts": 0,
              "reactions": 0, "attachments": 0}
    jsonl("users.jsonl", [{"key": u, "display_name": f"Bench {u[-3:]} Éloïse",
                           "email": f"{u}@bench.example"} for u in users])
    jsonl("communities.jsonl", [{"key": r, "name": f"Salle {r[-2:]} — 店舗",
                                 "visibility": "public"} for r in rooms])
    if a.no_posts:
        counts["memberships"] = jsonl("memberships.jsonl", [
            {"community": r, "user": u} for r in rooms for u in members[r]])
    else:
        counts["memberships"] = 0
        start = datetime(2025, 3, 3, 8, 0, tzinfo=timezone.utc)
        with open(os.path.join(a.out, "posts.jsonl"), "w", encoding="utf-8") as f:
            for r in rooms:
                roots = []
                for i in range(a.messages_per_room):
                    t = start + timedelta(seconds=37 * i, milliseconds=rnd.randrange(1000))
                    post = {"id": f"{r}-{i}", "community": r, "author": rnd.choice(members[r]),
                            "created_at": ts(t),
                            "body": " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(4, 24)))}
                    if i % 5 == 4 and roots:
                        root = rnd.choice(roots[-20:])
                        post["thread_root"] = root
                        post["parent"] = root
                    else:
                        roots.append(post["id"])
                    f.write(json.dumps(post, ensure_ascii=False) + "\n")
                    counts["posts"] += 1
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump({"format": "esnctl-bundle", "version": 1,
                   "generator": "bench/gen-matrix-bundle.py", "counts": counts}, f)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
