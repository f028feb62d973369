"""A byte-level BPE tokenizer trained on the SFT corpus (``tokenizers``), wrapped as a transformers
``PreTrainedTokenizerFast`` with the Qwen chat template (``<|im_start|>role\\n...<|im_end|>``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

ENDOFTEXT, IM_START, IM_END = "<|endoftext|>", "<|im_start|>", "<|im_end|>"
SPECIAL_TOKENS = [ENDOFTEXT, IM_START, IM_END]

# Qwen2.5's template for plain chats (no tools): the same text the Qwen tokenizers produce when a
# system message is present, so the tiny model and the Qwen presets see identical prompts.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def chat_texts(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The message contents of chat records (the tokenizer's training corpus)."""
    for r in records:
        for m in r.get("messages", []):
            yield m["role"]
            yield m["content"]


def train_tokenizer(
    records: Iterable[dict[str, Any]], vocab_size: int = 4096, min_frequency: int = 2
):
    """Train a byte-level BPE on the chat records and return a ``PreTrainedTokenizerFast``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(chat_texts(records), trainer=trainer)
    return wrap(tok)


def wrap(tok):
    """A transformers fast tokenizer around a ``tokenizers.Tokenizer`` with the chat template."""
    from transformers import PreTrainedTokenizerFast

    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token=IM_END,
        pad_token=ENDOFTEXT,
        bos_token=None,
        unk_token=None,
        additional_special_tokens=[IM_START, IM_END],
        model_max_length=32768,
        clean_up_tokenization_spaces=False,
    )
    fast.chat_template = CHAT_TEMPLATE
    return fast


def ensure_chat_ready(tokenizer) -> Any:
    """Give a base model's tokenizer a pad token and the chat template when it lacks them."""
    if tokenizer.chat_template is None:
        tokenizer.chat_template = CHAT_TEMPLATE
    if tokenizer.pad_token is None:
        tokenizer.pad_token = (
            ENDOFTEXT if ENDOFTEXT in tokenizer.get_vocab() else tokenizer.eos_token
        )
    return tokenizer
