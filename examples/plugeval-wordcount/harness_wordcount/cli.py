from harness import parse_key_values

SETTINGS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"sep": {"type": "string", "minLength": 1, "description": "word separator"}},
}
USAGE = "usage: harness wordcount SENTENCE... [sep=SEP]\n\nPrint the number of words of each sentence."


def main(argv: list[str]) -> int:
    """Print the number of words of each sentence given on the command line."""
    if not argv or "--help" in argv or "-h" in argv:
        print(USAGE)
        return 0 if argv else 2
    settings = parse_key_values([a for a in argv if "=" in a], SETTINGS, example="sep=,").values
    for sentence in (a for a in argv if "=" not in a):
        print(len(sentence.split(settings.get("sep"))), sentence)
    return 0
