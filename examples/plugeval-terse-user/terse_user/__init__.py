"""A user who only ever confirms or denies."""

from harness import SimulatorContext, SimulatorReply, Turn


class TerseUser:
    name = "terse"

    def __init__(self, max_turns: int = 3):
        self.max_turns = max_turns

    async def reply(self, conversation: list[Turn], context: SimulatorContext) -> SimulatorReply:
        question = conversation[-1].text.lower()
        words = [w.strip("?.,!") for w in question.split()]
        known = any(w and w in context.hidden_info.lower() for w in words if len(w) > 3)
        return SimulatorReply("Yes." if known else "No.", info={"known": known})


def terse(max_turns: int = 3) -> TerseUser:
    """Answers yes when the question mentions something the user knows, else no.

    Args:
        max_turns: Questions answered before the user only says to continue.
    """
    return TerseUser(max_turns)
