"""Write the illustrative conversation sets shipped in harness/usi/data/ (run once; the output is committed).

    python tests/data/usi/make_usi_sets.py

The sets are written for the tests and the docs, not collected from people: `people.jsonl` plays
people (terse, informal, details given when asked, sometimes unsure, corrections and frustration
when the agent slips), `sim_front_loading.jsonl` a simulator that tells every detail in its first
turn, `sim_answer_only.jsonl` one that answers exactly what was asked. The three share ids (one
conversation per task instance), so they pair. Seeded: re-running writes the same files.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parents[3] / "harness" / "usi" / "data"
QUESTIONS = ("understood_request", "resolved_request", "efficient", "overall")

# task instance: (goal, [(agent question, slot phrase, value)], difficulty)
FIRST_NAMES = ["Mia", "Omar", "Lena", "Raj", "Sofia", "Tom", "Aiko", "Carlos", "Nina", "Ivan", "Zoe", "Ben"]
LAST_NAMES = ["Chen", "Haddad", "Novak", "Patel", "Rossi", "Baker", "Sato", "Diaz", "Berg", "Petrov", "Kim", "Ward"]
CITIES = ["Boston", "Denver", "Seattle", "Miami", "Chicago", "Austin", "Phoenix", "Atlanta", "Dallas", "Portland"]
MONTHS = ["May", "June", "July", "August", "September", "October"]
ITEMS = ["desk lamp", "water bottle", "hiking boots", "coffee grinder", "yoga mat", "backpack", "keyboard", "kettle"]


def _code(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(rng.choice(letters) for _ in range(3)) + str(rng.randint(10, 99)) + rng.choice(letters)


def _airline(rng: random.Random) -> tuple[str, list[tuple[str, str, str]]]:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    origin, destination = rng.sample(CITIES, 2)
    day = f"{rng.choice(MONTHS)} {rng.randint(2, 28)}"
    kind = rng.choice(["change my flight", "cancel my flight", "add a checked bag to my booking"])
    slots = [
        ("Could I have your booking code, please?", "my booking code is", _code(rng)),
        ("May I have the full name on the reservation?", "the reservation is under", name),
        ("Which flight is it, from where to where?", "the flight is from", f"{origin} to {destination}"),
    ]
    if kind == "change my flight":
        slots.append(("What new date would you like to fly on?", "the new date is", day))
    return kind, slots


def _retail(rng: random.Random) -> tuple[str, list[tuple[str, str, str]]]:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    item = rng.choice(ITEMS)
    kind = rng.choice(["return an item", "exchange an item", "change my delivery address"])
    slots = [
        ("Can you give me your order number?", "my order number is", f"#W{rng.randint(1000000, 9999999)}"),
        (
            "And the email address on the account?",
            "my email is",
            f"{name.split()[0].lower()}.{rng.randint(10, 99)}@example.com",
        ),
        ("What is the name on the order?", "the order is under", name),
    ]
    if kind == "change my delivery address":
        slots.append(
            (
                "What is the new address?",
                "the new address is",
                f"{rng.randint(10, 999)} Elm Street, {rng.choice(CITIES)} {rng.randint(10000, 99999)}",
            )
        )
    else:
        slots.append(("Which item is it?", "the item is the", item))
    return kind, slots


def _people_turns(rng: random.Random, goal: str, slots, success: int) -> list[dict]:
    turns = [{"role": "agent", "text": "Hi, how can I help you today?"}]
    opener = rng.choice(
        [
            f"hi i need to {goal}",
            f"I want to {goal}.",
            f"hey, trying to {goal}",
            f"need to {goal} pls",
            f"Hello, I'd like to {goal}",
        ]
    )
    if rng.random() < 0.35:  # some people give one detail up front
        opener += f", {slots[0][2]}"
    turns.append({"role": "user", "text": opener})
    given = rng.random() < 0.35
    for index, (question, _, value) in enumerate(slots):
        if index == 0 and given:
            continue
        turns.append({"role": "agent", "text": question})
        roll = rng.random()
        if roll < 0.15:
            turns.append(
                {
                    "role": "user",
                    "text": rng.choice(
                        [
                            "why do you need that?",
                            "what do you mean, the one on the ticket?",
                            "which one, the confirmation?",
                        ]
                    ),
                }
            )
            turns.append({"role": "agent", "text": "I need it to find your record. " + question})
            turns.append({"role": "user", "text": value})
        elif roll < 0.3:
            turns.append({"role": "user", "text": f"I think it's {value}? not sure"})
        elif roll < 0.4 and index + 1 < len(slots):
            turns.append({"role": "user", "text": f"{value}, and {slots[index + 1][2]}"})
        else:
            turns.append({"role": "user", "text": rng.choice([value, f"{value}.", f"it's {value}", f"{value} thanks"])})
    if success:
        turns.append({"role": "agent", "text": "Done: your request is complete. Anything else?"})
        turns.append(
            {
                "role": "user",
                "text": rng.choice(["no thats all", "No, thanks!", "ok great thank you", "nope", "that's it"]),
            }
        )
    else:
        wrong = slots[-1][2]
        turns.append({"role": "agent", "text": "I could not find that. Could you repeat the last detail?"})
        turns.append(
            {
                "role": "user",
                "text": rng.choice(
                    [
                        f"I already told you, {wrong}",
                        f"no, that's wrong. I said {wrong}",
                        f"{wrong}. this is taking forever",
                    ]
                ),
            }
        )
        turns.append({"role": "agent", "text": "I am sorry, I still cannot complete this request."})
        turns.append(
            {
                "role": "user",
                "text": rng.choice(
                    [
                        "ugh. can I talk to a real person",
                        "seriously?? forget it",
                        "this is ridiculous",
                        "ok whatever, never mind",
                    ]
                ),
            }
        )
    return turns


def _front_loading_turns(rng: random.Random, goal: str, slots, success: int) -> list[dict]:
    facts = ", ".join(f"{phrase} {value}" for _, phrase, value in slots)
    return [
        {"role": "agent", "text": "Hi, how can I help you today?"},
        {
            "role": "user",
            "text": f"Hello! I would like to {goal}. To help you, {facts}. Thank you so much for your help!",
        },
        {"role": "agent", "text": "Thank you. Can you confirm you want me to proceed?"},
        {"role": "user", "text": "Yes, that is correct. Please go ahead with the request."},
        {
            "role": "agent",
            "text": "Done. Anything else?" if success else "I am sorry, I could not complete this request.",
        },
        {
            "role": "user",
            "text": "No, that will be all. Thank you for your help!"
            if success
            else "I understand. Thank you for trying, I appreciate your help.",
        },
    ]


def _answer_only_turns(rng: random.Random, goal: str, slots, success: int) -> list[dict]:
    turns = [
        {"role": "agent", "text": "Hi, how can I help you today?"},
        {"role": "user", "text": f"Hello, I would like to {goal}."},
    ]
    for question, phrase, value in slots:
        turns += [{"role": "agent", "text": question}, {"role": "user", "text": f"Sure, {phrase} {value}."}]
    turns += [
        {
            "role": "agent",
            "text": "Done. Anything else?" if success else "I am sorry, I could not complete this request.",
        },
        {
            "role": "user",
            "text": "No, that will be all. Thank you for your help!"
            if success
            else "I understand. Thank you for trying, I appreciate your help.",
        },
    ]
    return turns


def main() -> None:
    rng = random.Random(2603)
    people, front, answer = [], [], []
    for number in range(36):
        domain = "airline" if number % 2 == 0 else "retail"
        goal, slots = (_airline if domain == "airline" else _retail)(rng)
        difficulty = number % 5 + 1
        ident, task = f"{domain}-{number + 1:02d}", f"{domain}: {goal}"
        human_success = int(rng.random() < 0.95 - 0.15 * difficulty)
        sim_success = int(rng.random() < 1.0 - 0.06 * difficulty)
        human_ratings = {q: rng.randint(3, 5) if human_success else rng.randint(1, 3) for q in QUESTIONS}
        sim_ratings = {q: 5 if sim_success else rng.choice([4, 5]) for q in QUESTIONS}
        base = {"id": ident, "task": task, "difficulty": difficulty}
        people.append(
            {
                **base,
                "turns": _people_turns(rng, goal, slots, human_success),
                "success": human_success,
                "ratings": human_ratings,
                "seat": "illustrative people",
            }
        )
        for target, make, seat in (
            (front, _front_loading_turns, "front-loading simulator"),
            (answer, _answer_only_turns, "answer-only simulator"),
        ):
            target.append(
                {
                    **base,
                    "turns": make(rng, goal, slots, sim_success),
                    "success": sim_success,
                    "ratings": sim_ratings,
                    "seat": seat,
                }
            )
    OUT.mkdir(parents=True, exist_ok=True)
    for name, rows in (("people.jsonl", people), ("sim_front_loading.jsonl", front), ("sim_answer_only.jsonl", answer)):
        (OUT / name).write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


if __name__ == "__main__":
    main()
