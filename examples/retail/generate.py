#!/usr/bin/env python3
"""Generates the retail example: communities.csv (the manifest) and directory.ldif (the
people and groups it references). Deterministic: re-running gives the same bytes.

Maison Verdier, a fictional retailer: 1 head office, 5 regions, 250 stores (50 per region),
a store directors' community fed by the directory group cn=store-directors, and an idea box.

    python3 examples/retail/generate.py        # rewrites the two files next to this script
"""

import base64
import csv
import io
import os
import unicodedata

BASE = "dc=maison-verdier,dc=example"
DOMAIN = "maison-verdier.example"
HERE = os.path.dirname(os.path.abspath(__file__))

FIRST = ["Marie", "Jean", "Léa", "Hugo", "Chloé", "Louis", "Inès", "Gabriel", "Zoé", "Raphaël",
         "Manon", "Arthur", "Camille", "Noé", "Élodie", "Théo", "Anaïs", "Jules", "Sarah", "Émile",
         "Yuki", "Mehdi", "Aïcha", "Björn", "Sofía"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
        "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
        "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert",
        "Bonnet", "François", "Martínez", "Nguyễn", "山田", "Øster"]
REGIONS = [("nord", "Nord", "Lille"), ("est", "Est", "Strasbourg"), ("ouest", "Ouest", "Rennes"),
           ("sud", "Sud", "Marseille"), ("centre", "Centre", "Orléans")]
HQ = [("pverdier", "Pauline", "Verdier", "Présidente-directrice générale"),
      ("aroussel", "Antoine", "Roussel", "Directeur des opérations magasins"),
      ("cbenali", "Chérine", "Benali", "Responsable innovation"),
      ("ftanaka", "Fumiko", "Tanaka", "Directrice des ressources humaines"),
      ("gkowalski", "Grzegorz", "Kowalski", "Directeur des systèmes d'information"),
      ("hleclerc", "Hélène", "Leclerc", "Directrice financière"),
      ("ibarbier", "Igor", "Barbier", "Directeur marketing"),
      ("jcolin", "Justine", "Colin", "Responsable communication interne"),
      ("kperrin", "Kevin", "Perrin", "Acheteur frais"),
      ("lgautier", "Lucie", "Gautier", "Juriste"),
      ("mfaure", "Mathis", "Faure", "Contrôleur de gestion"),
      ("nrenaud", "Nadia", "Renaud", "Assistante de direction")]


def ascii_id(text):
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def value(attr, text):
    """An LDIF attribute line, base64 when the value is not plain ASCII."""
    if text.isascii() and not text.startswith((" ", ":", "<")):
        return f"{attr}: {text}"
    return f"{attr}:: {base64.b64encode(text.encode()).decode()}"


class Directory:
    def __init__(self):
        self.people = []
        self.uids = set()

    def person(self, uid, given, family, title, department, city):
        if not uid:
            # Family names in other scripts (山田) have no ASCII form: use the given name.
            uid = ascii_id(given[0] + family)
            if len(uid) < 3:
                uid = ascii_id(given)
        base, n = uid, 2
        while uid in self.uids:
            uid, n = f"{base}{n}", n + 1
        self.uids.add(uid)
        self.people.append((uid, given, family, title, department, city))
        return uid

    def ldif(self, groups):
        out = [f"dn: {BASE}", "objectClass: top", "objectClass: dcObject",
               "objectClass: organization", "o: Maison Verdier", "dc: maison-verdier", ""]
        for ou in ("people", "groups"):
            out += [f"dn: ou={ou},{BASE}", "objectClass: organizationalUnit", f"ou: {ou}", ""]
        for i, (uid, given, family, title, department, city) in enumerate(self.people):
            out += [f"dn: uid={uid},ou=people,{BASE}", "objectClass: top", "objectClass: person",
                    "objectClass: organizationalPerson", "objectClass: inetOrgPerson",
                    f"uid: {uid}", value("cn", f"{given} {family}"), value("sn", family),
                    value("givenName", given), value("displayName", f"{given} {family}"),
                    f"mail: {uid}@{DOMAIN}", value("title", title),
                    value("departmentNumber", department), value("l", city),
                    f"employeeNumber: {10000 + i}", ""]
        for cn, description, members in groups:
            out += [f"dn: cn={cn},ou=groups,{BASE}", "objectClass: top",
                    "objectClass: groupOfNames", f"cn: {cn}", value("description", description)]
            out += [f"member: {m}" for m in members]
            out.append("")
        return "\n".join(out)


def main():
    d = Directory()
    for uid, given, family, title in HQ:
        d.person(uid, given, family, title, "Siège", "Lyon")
    rows = []
    hq_uids = [h[0] for h in HQ]
    rows.append(dict(key="siege", name="Siège — Maison Verdier", visibility="private",
                     owners="pverdier", members=" ".join(hq_uids), tags="siege",
                     description="L'équipe du siège à Lyon",
                     welcome="Bienvenue dans la communauté du siège ! Présentez-vous ici 👋"))
    directors, interim = [], []
    n = 0
    for r, (rkey, rname, rcity) in enumerate(REGIONS):
        manager = d.person("", FIRST[(r * 7) % len(FIRST)], LAST[(r * 5 + 3) % len(LAST)],
                           f"Directeur·rice régional·e {rname}", f"Région {rname}", rcity)
        region_rows, region_directors = [], []
        for s in range(50):
            n += 1
            i = n * 7
            director = d.person("", FIRST[i % len(FIRST)], LAST[(i // 3) % len(LAST)],
                                "Directeur·rice de magasin", f"Magasin {n:03d}", rcity)
            deputy = d.person("", FIRST[(i + 11) % len(FIRST)], LAST[(i // 2 + 5) % len(LAST)],
                              "Adjoint·e de direction", f"Magasin {n:03d}", rcity)
            region_directors.append(director)
            region_rows.append(dict(
                key=f"store-{n:03d}", name=f"Magasin {n:03d} — {rcity} {s + 1}",
                visibility="private", parent=f"region-{rkey}", owners=director,
                members=f"{director} {deputy}", tags=f"magasin region-{rkey}",
                welcome=f"Bienvenue dans la communauté du magasin {n:03d} !"))
        directors += region_directors
        rows.append(dict(key=f"region-{rkey}", name=f"Région {rname}", visibility="private",
                         parent="siege", owners=manager,
                         members=" ".join([manager] + region_directors),
                         tags=f"region", description=f"Directeurs de magasin de la région {rname}"))
        rows += region_rows
    rows.append(dict(key="directeurs-magasins", name="Directeurs de magasin",
                     visibility="secret", owners="aroussel",
                     group=f"cn=store-directors,ou=groups,{BASE}",
                     description="Le réseau des 250 directeurs de magasin",
                     welcome="Ici, les directeurs de magasin échangent leurs bonnes pratiques."))
    rows.append(dict(key="boite-a-idees", name="Boîte à idées 💡", visibility="public",
                     owners="cbenali", tags="idees innovation",
                     description="Vos idées pour améliorer nos magasins",
                     welcome="Une idée ? Postez-la ici, chaque mois nous en réalisons une."))

    # The directors' group nests a group holding the last 10, as real directories do.
    nested = directors[-10:]
    groups = [
        ("store-directors", "Tous les directeurs de magasin",
         [f"uid={u},ou=people,{BASE}" for u in directors[:-10]]
         + [f"cn=store-directors-new,ou=groups,{BASE}"]),
        ("store-directors-new", "Directeurs de magasin arrivés cette année",
         [f"uid={u},ou=people,{BASE}" for u in nested]),
    ]

    columns = ["key", "name", "description", "visibility", "parent", "owners", "members",
               "group", "welcome", "tags"]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({c: row.get(c, "") for c in columns})
    with open(os.path.join(HERE, "communities.csv"), "w", encoding="utf-8") as f:
        f.write(buf.getvalue())
    with open(os.path.join(HERE, "directory.ldif"), "w", encoding="utf-8") as f:
        f.write(d.ldif(groups))
    print(f"{len(rows)} communities, {len(d.people)} people")


if __name__ == "__main__":
    main()
