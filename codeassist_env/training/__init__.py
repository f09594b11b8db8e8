"""The Empower training pipeline (docs/protocol.md §4): ``corpus`` (offline code documents) -> ``scoring`` (per-token
log-probs in one forward pass) -> ``datasets`` (Empower / SFT-N / SFT-RAND targets from shared cut points)
-> ``finetune`` (LoRA adapter + manifest). CLI: ``codeassist data ...`` and ``codeassist train ...``."""
