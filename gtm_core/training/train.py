"""The training loop (transformers ``Trainer``): assistant-only loss, packing or length-grouped
batches, evaluation on the validation split, early stopping, seeded, resumable from the last
checkpoint of its run folder, with metrics streamed to MLflow and a loss plot at the end."""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gtm_core.llm.base_models import resolve_base
from gtm_core.llm.loading import META_FILE, base_of, is_adapter
from gtm_core.llm.precision import cpu_precision
from gtm_core.training.data import (
    Collator,
    ListDataset,
    dataset_hash,
    encode_all,
    pack,
    read_jsonl,
)
from gtm_core.training.presets import TrainConfig


@dataclass
class TrainResult:
    """What a finished training run produced."""

    model_dir: Path
    run_dir: Path
    metrics: dict[str, float]
    tokens_per_s: float
    train_examples: int
    eval_examples: int
    skipped_too_long: int
    global_step: int
    resumed_from: str | None
    dataset_hash: str
    loss_plot: Path | None
    log_history: list[dict[str, Any]] = field(default_factory=list)
    mlflow_run_id: str | None = None


def run_dir_for(models_dir: Path, cfg: TrainConfig, data_hash: str) -> Path:
    """The run folder of (config, dataset): a re-run after an interruption finds its checkpoints."""
    return Path(models_dir) / "runs" / f"{cfg.preset}-{data_hash}-{cfg.hash()}"


def _device(cfg: TrainConfig) -> str:
    import torch

    if cfg.device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if cfg.device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            "train config field 'device': cuda requested but torch.cuda.is_available() is False"
        )
    return cfg.device


def build_tokenizer(cfg: TrainConfig, train_records: list[dict], run_dir: Path):
    """Scratch: a BPE trained on the train split (saved in the run folder, reused on resume);
    otherwise the base model's tokenizer."""
    from transformers import AutoTokenizer

    from gtm_core.training.tokenizer import ensure_chat_ready, train_tokenizer

    if cfg.init_from:
        return ensure_chat_ready(AutoTokenizer.from_pretrained(cfg.init_from))
    if cfg.method != "scratch":
        return ensure_chat_ready(AutoTokenizer.from_pretrained(resolve_base(cfg.base_model)))
    saved = run_dir / "tokenizer"
    if (saved / "tokenizer.json").exists():
        return AutoTokenizer.from_pretrained(saved)
    tok = train_tokenizer(train_records, vocab_size=cfg.vocab_size)
    tok.save_pretrained(saved)
    return tok


def build_model(cfg: TrainConfig, tokenizer):
    """A Qwen2 causal LM from the preset's config (scratch), the base model (lora/full), or the
    trained GTM ``init_from``: a full model's weights, or a LoRA adapter made trainable again on
    its base (method lora) or merged into it (method full)."""
    import torch
    from transformers import AutoModelForCausalLM, Qwen2Config, Qwen2ForCausalLM

    adapter = cfg.init_from if cfg.init_from and is_adapter(cfg.init_from) else None
    if cfg.method == "scratch":
        conf = Qwen2Config(
            vocab_size=len(tokenizer),
            hidden_size=cfg.hidden_size,
            num_hidden_layers=cfg.num_layers,
            num_attention_heads=cfg.num_heads,
            num_key_value_heads=cfg.num_kv_heads,
            intermediate_size=cfg.intermediate_size,
            max_position_embeddings=max(cfg.max_length, 1024),
            tie_word_embeddings=True,
            bos_token_id=None,
            eos_token_id=tokenizer.convert_tokens_to_ids("<|im_end|>"),
            pad_token_id=tokenizer.pad_token_id,
        )
        model = Qwen2ForCausalLM(conf)
    else:
        src = (cfg.base_model or base_of(adapter)) if adapter else (cfg.init_from or cfg.base_model)
        if not src:
            raise ValueError(
                f"train config field 'base_model': adapter {adapter} names no base model"
            )
        dtype = torch.bfloat16 if cfg.bf16 else torch.float32
        model = AutoModelForCausalLM.from_pretrained(resolve_base(src), dtype=dtype)
        if model.config.pad_token_id is None:
            model.config.pad_token_id = tokenizer.pad_token_id
        if adapter and cfg.method == "full":
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, adapter).merge_and_unload()
    if cfg.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.config.use_cache = False
    if cfg.method == "lora" and adapter:
        from peft import PeftModel

        if cfg.gradient_checkpointing:
            model.enable_input_require_grads()
        model = PeftModel.from_pretrained(model, adapter, is_trainable=True)
    elif cfg.method == "lora":
        from gtm_core.training.lora import wrap_lora

        model = wrap_lora(model, cfg)
    elif cfg.method == "full" and cfg.top_layers is not None:
        from gtm_core.training.lora import freeze_below_top

        freeze_below_top(model, cfg.top_layers)
    return model


def target_loss(
    model, inputs: dict[str, Any], num_items_in_batch=None, *, predictions: bool = False
):
    """Causal-LM cross-entropy with the LM head applied only where a target is learned.

    The decoder runs on every token, but the head (for SmolLM2 a 49,152 x 576 matrix) and the
    softmax see only positions whose next-token label is not ignored — a few percent of an SFT
    batch, where the prompt (system turn, tool spec, call) is most of the tokens. The sum is
    divided by ``num_items_in_batch`` (the accumulated batch's target count) when given. With
    ``predictions``, also the greedy next-token ids ``[B, T]`` (-100 where no target follows)."""
    import torch.nn.functional as F

    from gtm_core.training.data import IGNORE

    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    labels = inputs["labels"]
    body = {k: v for k, v in inputs.items() if k != "labels"}
    hidden = base.model(**body).last_hidden_state[:, :-1]
    tgt = labels[:, 1:]
    mask = tgt != IGNORE
    logits = base.lm_head(hidden[mask]).float()
    loss = F.cross_entropy(logits, tgt[mask].to(logits.device), reduction="sum")
    n = num_items_in_batch if num_items_in_batch is not None else mask.sum().clamp(min=1)
    if not predictions:
        return loss / n
    preds = labels.new_full(labels.shape, IGNORE)
    preds[:, :-1][mask] = logits.argmax(-1).to(preds.device)
    return loss / n, preds


def _trainer_class():
    from transformers import Trainer

    class GTMTrainer(Trainer):
        """``Trainer`` whose loss runs the LM head only at target positions (``target_loss``)."""

        loss_is_scaled_for_ga = True

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            base = model.get_base_model() if hasattr(model, "get_base_model") else model
            if not hasattr(base, "lm_head") or not hasattr(base, "model"):
                return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
            if return_outputs:  # evaluation: greedy ids at target positions stand in for the logits
                loss, preds = target_loss(model, inputs, predictions=True)
                return loss, {"logits": preds}
            if num_items_in_batch is None:  # a per-batch mean: scale for accumulation here
                return target_loss(model, inputs) / self.current_gradient_accumulation_steps
            return target_loss(model, inputs, num_items_in_batch)

    return GTMTrainer


def _mlflow_callback(client, run_id: str):
    from transformers import TrainerCallback

    class MLflowMetrics(TrainerCallback):
        """Streams every logged scalar (loss, eval_loss, lr, ...) to the MLflow run by step."""

        def on_log(self, args, state, control, logs=None, **kw):
            from mlflow.entities import Metric

            now = int(time.time() * 1000)
            ms = [
                Metric(k, float(v), now, state.global_step)
                for k, v in (logs or {}).items()
                if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            ]
            if ms:
                client.log_batch(run_id, metrics=ms)

    return MLflowMetrics()


def _metrics_fn():
    import numpy as np

    def preprocess(logits, labels):  # [B, T] ids already when the trainer's target_loss made them
        return logits.argmax(-1) if logits.dim() == 3 else logits

    def compute(pred) -> dict[str, float]:
        preds, labels = pred.predictions, pred.label_ids
        preds, labels = preds[:, :-1], labels[:, 1:]
        mask = labels != -100
        return {
            "token_accuracy": float((preds[mask] == labels[mask]).mean()) if mask.any() else 0.0,
            "label_tokens": float(np.sum(mask)),
        }

    return preprocess, compute


def loss_plot(
    history: list[dict[str, Any]], path: Path, title: str = "GTM training"
) -> Path | None:
    """A PNG of train and validation loss against the step."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tr = [(h["step"], h["loss"]) for h in history if "loss" in h]
    ev = [(h["step"], h["eval_loss"]) for h in history if "eval_loss" in h]
    if not tr and not ev:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    if tr:
        ax.plot(*zip(*tr, strict=True), label="train loss")
    if ev:
        ax.plot(*zip(*ev, strict=True), marker="o", label="val loss")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def train(
    cfg: TrainConfig,
    sft_folder: Path,
    run_dir: Path,
    *,
    mlflow_client=None,
    mlflow_run_id: str | None = None,
    callbacks: list | None = None,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> TrainResult:
    """Train on ``sft_folder/{train,val}.jsonl`` in ``run_dir`` (resuming from its last checkpoint)
    and save the final model (or adapter) with its tokenizer in ``run_dir/model``."""
    import torch
    from transformers import EarlyStoppingCallback, TrainingArguments, set_seed
    from transformers.trainer_utils import get_last_checkpoint

    cfg.validate()
    sft_folder, run_dir = Path(sft_folder), Path(run_dir)
    for split in ("train", "val"):
        if not (sft_folder / f"{split}.jsonl").exists():
            raise FileNotFoundError(f"SFT split {split!r} missing: {sft_folder / f'{split}.jsonl'}")
    torch.set_num_threads(cfg.torch_threads)
    set_seed(cfg.seed)
    device = _device(cfg)
    run_dir.mkdir(parents=True, exist_ok=True)
    data_hash = dataset_hash(sft_folder)

    limit = (
        cfg.max_train_examples if cfg.max_train_examples and cfg.max_train_examples > 0 else None
    )
    # the first ``limit`` examples that fit ``max_length`` (records are read with a margin for the
    # ones too long, so a budget of N examples trains N, not N minus the long ones)
    train_recs = read_jsonl(
        sft_folder / "train.jsonl", limit * 4 if limit else None
    )  # 0 or None: every example
    val_recs = read_jsonl(
        sft_folder / "val.jsonl", cfg.max_eval_examples * 4 if cfg.max_eval_examples else None
    )
    if not train_recs:
        raise ValueError(f"SFT split 'train' is empty: {sft_folder / 'train.jsonl'}")
    tok = build_tokenizer(cfg, train_recs[:limit] if limit else train_recs, run_dir)
    tr = encode_all(train_recs, tok, cfg.max_length, keep=limit)
    va = encode_all(val_recs, tok, cfg.max_length, keep=cfg.max_eval_examples or None)
    if not tr.examples:
        raise ValueError(
            f"train config field 'max_length': all {tr.skipped_too_long} train examples "
            f"are longer than {cfg.max_length} tokens"
        )
    log(
        f"train: {len(tr.examples)} examples ({tr.tokens} tokens, {tr.skipped_too_long} too long); "
        f"val: {len(va.examples)}"
    )
    train_items = pack(tr.examples, cfg.max_length, cfg.seed) if cfg.packing else tr.examples
    eval_items = pack(va.examples, cfg.max_length, cfg.seed) if cfg.packing else va.examples

    model = build_model(cfg, tok)
    # a pretrained base on a CPU that computes bfloat16 natively trains under bfloat16
    # autocast (float32 master weights, ``llm.precision``); a model from scratch is too
    # small for its matmuls to gain
    cpu_bf16 = device == "cpu" and cfg.method != "scratch" and cpu_precision() == "bfloat16"
    precision = (
        "bf16" if cfg.bf16 and device == "cuda" else ("bf16-autocast" if cpu_bf16 else "fp32")
    )
    log(f"precision: {precision}")
    has_eval = bool(eval_items)
    preprocess, compute = _metrics_fn()
    args = TrainingArguments(
        output_dir=str(run_dir / "checkpoints"),
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps,
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accum,
        learning_rate=cfg.learning_rate,
        weight_decay=cfg.weight_decay,
        warmup_steps=cfg.warmup_ratio,
        lr_scheduler_type="cosine",
        logging_steps=cfg.logging_steps,
        logging_first_step=True,
        eval_strategy="steps" if has_eval else "no",
        eval_steps=cfg.eval_steps,
        save_strategy="steps",
        save_steps=cfg.eval_steps,
        save_total_limit=cfg.save_total_limit,
        load_best_model_at_end=has_eval and cfg.early_stopping_patience > 0,
        metric_for_best_model="eval_loss",
        greater_is_better=False,
        bf16=(cfg.bf16 and device == "cuda") or cpu_bf16,
        use_cpu=device == "cpu",
        gradient_checkpointing=False,  # enabled on the model itself (works for peft too)
        train_sampling_strategy="random" if cfg.packing else "group_by_length",
        seed=cfg.seed,
        data_seed=cfg.seed,
        report_to=[],
        disable_tqdm=not progress,
        dataloader_num_workers=0,
        remove_unused_columns=False,
    )
    cbs = list(callbacks or [])
    if has_eval and cfg.early_stopping_patience > 0:
        cbs.append(EarlyStoppingCallback(early_stopping_patience=cfg.early_stopping_patience))
    if mlflow_client is not None and mlflow_run_id:
        cbs.append(_mlflow_callback(mlflow_client, mlflow_run_id))
    trainer = _trainer_class()(
        model=model,
        args=args,
        train_dataset=ListDataset(train_items),
        eval_dataset=ListDataset(eval_items) if has_eval else None,
        data_collator=Collator(pad_token_id=tok.pad_token_id),
        processing_class=tok,
        callbacks=cbs,
        compute_metrics=compute if has_eval else None,
        preprocess_logits_for_metrics=preprocess if has_eval else None,
    )
    last = (
        get_last_checkpoint(str(run_dir / "checkpoints"))
        if (run_dir / "checkpoints").is_dir()
        else None
    )
    if last:
        log(f"resuming from {last}")
    start_epoch = 0.0
    if last:
        state = json.loads((Path(last) / "trainer_state.json").read_text())
        start_epoch = float(state.get("epoch") or 0.0)
    t0 = time.perf_counter()
    out = trainer.train(resume_from_checkpoint=last)
    elapsed = time.perf_counter() - t0
    epochs_done = max(float(trainer.state.epoch or 0.0) - start_epoch, 0.0)
    tokens_per_s = tr.tokens * epochs_done / elapsed if elapsed > 0 else 0.0

    metrics: dict[str, float] = {
        "train_loss": float(out.training_loss),
        "train_runtime_s": float(out.metrics.get("train_runtime", elapsed)),
        "tokens_per_s": tokens_per_s,
        "global_step": float(trainer.state.global_step),
        # tokens trained on over every epoch of this run, resumed parts included
        "train_tokens": float(tr.tokens * float(trainer.state.epoch or 0.0)),
    }
    first = next((h["loss"] for h in trainer.state.log_history if "loss" in h), None)
    last_loss = next((h["loss"] for h in reversed(trainer.state.log_history) if "loss" in h), None)
    if first is not None:
        metrics["first_loss"], metrics["final_loss"] = float(first), float(last_loss)
    if has_eval:
        ev = trainer.evaluate()
        metrics.update({k: float(v) for k, v in ev.items() if isinstance(v, int | float)})
        metrics["eval_perplexity"] = float(math.exp(min(ev["eval_loss"], 50)))

    model_dir = run_dir / "model"
    if model_dir.exists():
        shutil.rmtree(model_dir)
    trainer.save_model(str(model_dir))
    tok.save_pretrained(str(model_dir))
    meta = {
        "preset": cfg.preset,
        "method": cfg.method,
        "base_model": _saved_base(cfg),
        "init_from": cfg.init_from,
        "dataset_hash": data_hash,
        "config": cfg.to_dict(),
        "metrics": metrics,
        "chat_template": "qwen",
        "max_length": cfg.max_length,
        "precision": precision,
    }
    (model_dir / META_FILE).write_text(json.dumps(meta, indent=2))
    plot = loss_plot(trainer.state.log_history, run_dir / "loss.png", f"GTM {cfg.preset}")
    return TrainResult(
        model_dir=model_dir,
        run_dir=run_dir,
        metrics=metrics,
        tokens_per_s=tokens_per_s,
        train_examples=len(tr.examples),
        eval_examples=len(va.examples),
        skipped_too_long=tr.skipped_too_long + va.skipped_too_long,
        global_step=trainer.state.global_step,
        resumed_from=last,
        dataset_hash=data_hash,
        loss_plot=plot,
        log_history=list(trainer.state.log_history),
        mlflow_run_id=mlflow_run_id,
    )


def _saved_base(cfg: TrainConfig) -> str | None:
    """The base an adapter produced by ``cfg`` must be loaded on (what
    ``gtm_model.json`` records)."""
    if cfg.method != "lora":
        return cfg.base_model
    if cfg.init_from and not is_adapter(cfg.init_from):
        return cfg.init_from  # a new LoRA on a full GTM
    return cfg.base_model or (base_of(cfg.init_from) if cfg.init_from else None)


def set_threads_env(n: int) -> None:
    """Thread caps for the BLAS libraries (call before importing torch in a fresh process)."""
    for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "TOKENIZERS_PARALLELISM"):
        os.environ.setdefault(k, "false" if k == "TOKENIZERS_PARALLELISM" else str(n))
