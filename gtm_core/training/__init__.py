"""Training of the GTM (paper §4.3): presets, tokenizer, SFT data, the Trainer loop and LoRA."""
