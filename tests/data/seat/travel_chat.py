"""An inspect task whose solver talks to its user through inspect's `user` role (for the seat tests)."""

from inspect_ai import Task, task
from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessageSystem, ChatMessageUser, ModelOutput, get_model
from inspect_ai.scorer import includes
from inspect_ai.solver import solver

QUESTIONS = ("Where would you like to go?", "When would you like to leave?")


@solver
def ask_the_traveller():
    async def solve(state, generate):
        user = get_model(role="user")
        history = [ChatMessageSystem(content=f"You are a traveller. {state.input_text}")]
        said = []
        for question in QUESTIONS:
            history.append(ChatMessageUser(content=question))
            reply = await user.generate(history)
            history.append(reply.message)
            said.append(reply.completion)
        state.output = ModelOutput.from_content("travel", " | ".join(said))
        return state

    return solve


@task
def travel_chat():
    """Three travellers, each asked where and when."""
    return Task(
        dataset=[
            Sample(id="t1", input="You want to go to Oslo in May.", target="Oslo"),
            Sample(id="t2", input="You want to go to Rome in June.", target="Rome"),
            Sample(id="t3", input="You want to go to Lima in July.", target="Lima"),
        ],
        solver=ask_the_traveller(),
        scorer=includes(),
    )


@task
def chat_with_a_person():
    """A chat task whose model under test may be a person (`model=sim/human seat=web`)."""
    return Task(
        dataset=[Sample(id="greet", input="Say hello to the new colleague, Priya.", target="Priya")],
        scorer=includes(),
    )
