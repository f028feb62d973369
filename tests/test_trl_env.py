"""TRL's GRPOTrainer trains through ``gtm_core.serve.trl_env``: one GRPO step of a tiny real model
(taught to call ``search`` first) against the real simulator, in process and over HTTP on
127.0.0.1; the calls reach the simulator's session logs, the reward functions see the
environments, the sessions end with the step. Plus the spec -> method mapping (odd names, nested
parameters, large tool sets) and the hybrid switch with a real tool."""

from __future__ import annotations

import inspect
import json
import os

import pytest

from gtm_core.serve.http import create_app, running
from gtm_core.serve.real_tools import Gazetteer
from gtm_core.serve.rl import search_spec
from gtm_core.serve.trl_env import (
    env_callback,
    environment_class,
    environment_classes,
    final_answer,
    prepare_tokenizer,
    py_name,
)
from gtm_core.simulator import Simulator
from gtm_core.simulator.call import SOURCES
from gtm_core.spec import ToolSpec

os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
GAZ = Gazetteer(40, seed=1)
ROWS = [
    {"question": q["question"], "answer": q["answer"], "town": q["town"]} for q in GAZ.questions(2)
]


def _prompt(question: str) -> list[dict]:
    return [
        {"role": "system", "content": "Search first, then answer."},
        {"role": "user", "content": question},
    ]


@pytest.fixture(scope="module")
def policy_dir(tmp_path_factory):
    """A tiny from-scratch Qwen2 (``training.tiny_model``) fine-tuned for a few seconds to open
    each turn with a ``search`` call for the question's town, in the tool template's format."""
    import jinja2
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import get_json_schema

    from gtm_core.serve.trl_env import tool_chat_template
    from gtm_core.training.tiny_model import build_tiny_model

    env = environment_class([search_spec()], Simulator([search_spec()]))()
    tools = [get_json_schema(env.search)]  # what TRL renders from the environment's method
    texts = []
    for r in ROWS:
        call = {
            "type": "function",
            "function": {"name": "search", "arguments": {"query": r["town"]}},
        }
        texts.append(
            _prompt(r["question"]) + [{"role": "assistant", "content": "", "tool_calls": [call]}]
        )
    out = tmp_path_factory.mktemp("tool_policy")
    # the BPE tokenizer is trained on the conversations as the tool template renders them
    tmpl = jinja2.Environment().from_string(tool_chat_template())
    corpus = [tmpl.render(messages=m, tools=tools, add_generation_prompt=False) for m in texts]
    build_tiny_model(out, corpus * 50, vocab_size=600, hidden=64, layers=2)
    tok = prepare_tokenizer(AutoTokenizer.from_pretrained(out))
    tok.save_pretrained(out)
    model = AutoModelForCausalLM.from_pretrained(out)
    torch.manual_seed(0)
    batch = tok(
        [tok.apply_chat_template(m, tools=tools, tokenize=False) for m in texts],
        return_tensors="pt",
        padding=True,
    )
    labels = batch["input_ids"].masked_fill(batch["attention_mask"] == 0, -100)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(300):
        loss = model(**batch, labels=labels).loss
        if loss.item() < 0.05:
            break
        loss.backward()
        opt.step()
        opt.zero_grad()
    assert loss.item() < 0.05, f"the tiny policy did not learn its tool call (loss {loss.item()})"
    model.save_pretrained(out)
    return out


def _train_one_step(policy_dir, env_cls, tmp_path) -> tuple[list[dict], object]:
    """One GRPO step (2 questions x 2 rollouts) with ``environment_factory=env_cls``; returns what
    the reward function saw of each rollout's environment, and the trainer."""
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import GRPOConfig, GRPOTrainer

    seen: list[dict] = []

    def reward(completions, answer, environments, **kw):
        assert len(environments) == len(completions)
        for env, completion in zip(environments, completions, strict=True):
            seen.append(
                dict(
                    env=env,
                    type=type(env),
                    session_id=env.session_id,
                    seed=env.seed,
                    calls=list(env.calls),
                    log=env.session_log,
                    completion=completion,
                )
            )
        return [
            float(a.lower() in final_answer(c).lower())
            for c, a in zip(completions, answer, strict=True)
        ]

    tok = prepare_tokenizer(AutoTokenizer.from_pretrained(policy_dir))
    rows = [{"prompt": _prompt(r["question"]), "answer": r["answer"]} for r in ROWS]
    args = GRPOConfig(
        output_dir=str(tmp_path / "grpo"),
        max_steps=1,
        per_device_train_batch_size=4,
        num_generations=2,
        max_completion_length=96,
        max_tool_calling_iterations=1,
        temperature=0.3,
        learning_rate=1e-3,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        bf16=False,
        use_cpu=True,
        gradient_checkpointing=False,
        disable_tqdm=True,
        seed=0,
    )
    trainer = GRPOTrainer(
        model=AutoModelForCausalLM.from_pretrained(policy_dir),
        reward_funcs=[reward],
        args=args,
        train_dataset=Dataset.from_list(rows),
        processing_class=tok,
        environment_factory=env_cls,
        callbacks=[env_callback(env_cls)],
    )
    trainer.train()
    return seen, trainer


def _check_rollouts(seen: list[dict], env_cls) -> list[dict]:
    """Every rollout had its own environment and session; the calls the policy made are the
    simulator's session log, call for call; a GRPO group shares its seed. Returns the calls."""
    assert len(seen) == 4 and all(s["type"] is env_cls for s in seen)
    assert len({id(s["env"]) for s in seen}) == 4
    assert len({s["session_id"] for s in seen}) == 4 and all(s["session_id"] for s in seen)
    calls = [c for s in seen for c in s["calls"]]
    assert calls, "the policy made no tool call"
    for s in seen:
        assert [(r["tool"], r["arguments"], r["source"]) for r in s["log"]] == [
            (c["tool"], c["arguments"], c["source"]) for c in s["calls"]
        ]
        for c in s["calls"]:
            assert c["tool"] == "search" and c["source"] in ("model", "gate", "cache")
    seeds = [s["seed"] for s in seen]
    assert len(set(seeds)) == 2 and sorted(seeds.count(x) for x in set(seeds)) == [2, 2]
    return calls


def test_grpo_step_in_process(policy_dir, tmp_path):
    sim = Simulator([search_spec()])
    env_cls = environment_class([search_spec()], sim, hint_column="answer")
    seen, trainer = _train_one_step(policy_dir, env_cls, tmp_path)
    calls = _check_rollouts(seen, env_cls)
    answered = [c for c in calls if c["source"] == "model"]
    assert answered and any(r["answer"] in c["text"] for c in answered for r in ROWS)  # the hint
    assert env_cls.stats["calls"] == len(calls)
    logged = [h for h in trainer.state.log_history if "tools/call_frequency" in h]
    assert logged and logged[0]["tools/call_frequency"] > 0
    assert len(sim.sessions) == 0  # every rollout's session ended with the step


def test_grpo_step_over_http(policy_dir, tmp_path):
    sim = Simulator([search_spec()])
    with running(create_app(sim)) as url:
        env_cls = environment_class([search_spec()], url, hint_column="answer")
        seen, _ = _train_one_step(policy_dir, env_cls, tmp_path)
        calls = _check_rollouts(seen, env_cls)
        answered = sum(n for src, n in sim.counters.items() if src in SOURCES)
        assert answered == len(calls)  # the server answered each call
        assert len(sim.sessions) == 0  # deleted over HTTP after the step


def test_methods_from_specs_odd_names_and_nested_parameters():
    from transformers.utils import get_json_schema

    odd = ToolSpec.parse(
        {
            "name": "place-order.v2",
            "description": "Place an order.\nArgs: not a section",
            "parameters": {
                "type": "object",
                "properties": {
                    "from": {"type": "string", "description": "origin"},
                    "items": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"}},
                            "required": ["sku"],
                        },
                    },
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "mode": {"type": "string", "enum": ["fast", "slow"]},
                    "user-id": {"type": "integer", "description": "who"},
                },
                "required": ["from", "items"],
            },
        }
    )
    sim = Simulator([odd, search_spec()])
    env_cls = environment_class([odd, search_spec()], sim)
    # TRL's rule: every public function of the class is a tool; only the tools are
    exposed = [
        n
        for n, _ in inspect.getmembers(env_cls, inspect.isfunction)
        if not n.startswith("_") and n not in ("reset", "get_reward")
    ]
    assert sorted(exposed) == ["place_order_v2", "search"]
    env = env_cls()
    schema = get_json_schema(env.place_order_v2)["function"]
    props = schema["parameters"]["properties"]
    assert schema["name"] == "place_order_v2" and '"place-order.v2"' in schema["description"]
    assert set(props) == {"from_", "items", "tags", "mode", "user_id"}
    assert schema["parameters"]["required"] == ["from_", "items"]
    assert '"sku"' in props["items"]["description"]  # nested structure carried in the text
    assert props["tags"] == {"type": "array", "items": {"type": "string"}, "description": "tags"}
    assert props["mode"]["enum"] == ["fast", "slow"]
    env.reset(prompt=_prompt("q"))
    env.place_order_v2(from_="Oslo", items=[{"sku": "a1", "qty": 2}], user_id=7)
    env.place_order_v2(from_="Oslo")  # the gate answers: items is missing
    log = env.session_log
    assert log[0]["tool"] == "place-order.v2" and log[0]["arguments"] == {
        "from": "Oslo",
        "items": [{"sku": "a1", "qty": 2}],
        "user-id": 7,
    }
    assert log[1]["source"] == "gate" and "items" in json.dumps(log[1]["output"])
    assert (
        py_name("class") == "class_" and py_name("1st") == "t_1st" and py_name("reset") == "reset_"
    )


def test_large_tool_sets_are_refused_or_split():
    specs = [
        ToolSpec.parse({"name": f"tool_{i}", "description": f"Tool {i}.", "parameters": {}})
        for i in range(70)
    ]
    sim = Simulator(specs)
    with pytest.raises(ValueError, match="environment_classes"):
        environment_class(specs, sim)
    groups = environment_classes(specs, sim, group_size=32)
    assert list(groups) == ["g0", "g1", "g2"]
    assert [len(c.tools) for c in groups.values()] == [32, 32, 6]
    env = groups["g2"]()
    env.reset(prompt=_prompt("q"), seed=5)
    env.tool_69()
    assert env.seed == 5 and env.session_log[0]["tool"] == "tool_69"


def test_hybrid_switch_real_tool_behind_the_gate():
    sim = Simulator([search_spec()])
    real_calls = []

    def real(arguments):
        real_calls.append(arguments)
        return GAZ.search(arguments["query"], arguments.get("top_k", 3))

    env_cls = environment_class(
        [search_spec()], sim, real={"search": real}, simulated_steps=1, max_response_chars=200
    )
    env = env_cls()
    env_cls.set_step(0)
    env.reset(prompt=_prompt("q"), answer="Paris")
    env.search(query=ROWS[0]["town"])
    assert env.calls[-1]["source"] == "model" and not real_calls
    env_cls.set_step(1)  # past the simulated steps: the real tool answers
    env.reset(prompt=_prompt("q"))
    assert env.session_id is None  # no simulator session for a real rollout
    text = env.search(query=ROWS[0]["town"])
    assert env.calls[-1]["source"] == "real" and real_calls
    assert text.startswith(f"Doc 1(Title: {ROWS[0]['town']})") and len(text) <= 200
    env.search(top_k=2)  # malformed: the gate answers, the real tool is not called
    assert env.calls[-1]["source"] == "gate" and len(real_calls) == 1
