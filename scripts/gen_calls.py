#!/usr/bin/python3
"""Realistic sample data for the Django app's tables, as COPY text on stdout.

    gen_calls.py agents            -> rows for hume_agents
    gen_calls.py calls N [SEED]    -> N rows for twilio_calls (about 85% outbound)

Load with:  psql -c "\\copy hume_agents FROM PROGRAM 'gen_calls.py agents'" ...
or pipe:    gen_calls.py calls 1000 | psql -c "COPY twilio_calls FROM STDIN"

The status mix follows a busy outbound dialer: mostly completed, a tail of
failures in both spellings (Django's no_answer, Twilio's no-answer), a few
calls in flight, and the odd value the mapping files under failed.  Names mix
ASCII, accents, CJK and emoji, and some are NULL; some calls have no agent.
Output is deterministic for a given N and SEED.
"""
import random
import time
import sys

AGENTS = [
    ("Sales Agent", "en-US"), ("Support Agent", "en-US"), ("Renewals", "en-GB"),
    ("Agente de Ventas", "es-ES"), ("Kundendienst", "de-DE"), ("営業エージェント", "ja-JP"),
    ("Collections", "en-US"), ("Surveys \"NPS\"", "en-US"),
]

STATUSES = [  # (status, weight)
    ("completed", 52), ("failed", 6), ("busy", 5), ("no_answer", 7), ("no-answer", 3),
    ("canceled", 2), ("initiated", 8), ("queued", 4), ("ringing", 2),
    ("in_progress", 6), ("in-progress", 2), ("answered", 1),
]

FIRST = ["John", "Maria", "José", "Zoë", "Aiko", "Wei", "Fatima", "Olu", "Anna", "Émile",
         "王", "Søren", "Priya", "Liam", "Chloé", "Mateo"]
LAST = ["Doe", "García", "Müller", "Tanaka", "Chen", "O'Brien", "Nguyen", "Smith",
        "Dubois", "芳", "Kowalski", "Rossi", "Silva", "Haddad"]

# 2025-10-24T10:00:00Z as a Unix timestamp; calls spread over the 90 days before.
NEWEST = 1761300000
SPAN = 90 * 86400


def agent_id(i):
    return "a9e1%04x-0000-4000-8000-%012x" % (i, i)


def copy_text(value):
    if value is None:
        return "\\N"
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def iso(ts, micro):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts)) + (".%06d" % micro if micro else "") + "+00"


def agents(out):
    for i, (name, lang) in enumerate(AGENTS):
        out.write("\t".join([agent_id(i), copy_text(name), "\\N", "cfg-%d" % i, "ITO", lang[:10],
                             "You are a helpful caller.", "Hello!", "active",
                             "2025-01-01 00:00:00+00", "2025-01-01 00:00:00+00", "\\N"]) + "\n")


def calls(out, n, seed):
    rnd = random.Random(seed)
    statuses = [s for s, _ in STATUSES]
    weights = [w for _, w in STATUSES]
    buf = []
    for i in range(n):
        status = rnd.choices(statuses, weights)[0]
        direction = "outbound" if rnd.random() < 0.85 else "inbound"
        created = NEWEST - rnd.randrange(SPAN)
        micro = 0 if rnd.random() < 0.3 else rnd.randrange(1000000)
        name = None if rnd.random() < 0.1 else "%s %s" % (rnd.choice(FIRST), rnd.choice(LAST))
        if name and rnd.random() < 0.01:
            name += " 📞"
        agent = "\\N" if rnd.random() < 0.05 else agent_id(rnd.randrange(len(AGENTS)))
        started = "\\N"
        duration = 0
        if status in ("completed", "in_progress", "in-progress"):
            started = iso(created + rnd.randrange(5, 60), rnd.randrange(1000000))
            duration = rnd.randrange(15, 900) if status == "completed" else rnd.randrange(0, 120)
        uid = "%08x-%04x-4%03x-8%03x-%012x" % (rnd.getrandbits(32), rnd.getrandbits(16),
                                               rnd.getrandbits(12), rnd.getrandbits(12),
                                               rnd.getrandbits(48))
        buf.append("\t".join([
            uid, "CA%032x" % rnd.getrandbits(128), "+1415555%04d" % (i % 10000),
            "+1%010d" % rnd.randrange(10 ** 10), direction, status, "\\N", "\\N", str(duration), "\\N",
            copy_text(name), "\\N", started, "\\N", iso(created, micro), iso(created, micro),
            agent, "\\N"]) + "\n")
        if len(buf) == 10000:
            out.write("".join(buf))
            buf = []
    out.write("".join(buf))


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "agents":
        agents(sys.stdout)
    elif len(sys.argv) >= 3 and sys.argv[1] == "calls":
        calls(sys.stdout, int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
