"""The Empower training pipeline (docs/protocol.md §4): ``empower`` (Algorithm 1 top to bottom: cuts, one-pass
scoring, the η rule, the targets), ``scoring`` (the engines that compute the log-probs), ``corpus`` (offline code
documents), ``datasets`` (Empower / SFT-N / SFT-RAND records from shared cut points), ``finetune`` (LoRA adapter +
manifest) and ``pipeline`` (what ``codeassist data ...`` and ``codeassist train ...`` run)."""
