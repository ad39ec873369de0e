import sys

from harness import execute, load_run_config, plan

settings = {"task": "wordcount", "task.limit_words": "6", "model": "mockllm/model", "display": "none"}
config = load_run_config({**settings, "log_dir": sys.argv[1]})
run = plan(config)
print("plugins:", [entry.qualified_name for entry in run.plugins], "args:", dict(run.components[0].args))
outcome = execute(run)
metric = outcome.record["metrics"][0]
print(f"{metric['scorer']}/{metric['name']} = {metric['value']} n={metric['n']} ci={metric['ci95']}")
