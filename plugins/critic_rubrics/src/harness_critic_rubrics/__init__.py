"""Critic Rubrics for plugeval: rubric features of agent traces, a learned critic, reranking and early stopping."""
