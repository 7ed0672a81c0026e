"""``tf.contrib.seq2seq.python.ops.attention_wrapper``: re-exports (smallflow's classes)."""

from ...attention_mechanisms import (AttentionMechanism, BahdanauAttention, LuongAttention,
                                    hardmax, safe_cumprod)
from ...attention_wrapper import AttentionWrapper, AttentionWrapperState

__all__ = ["AttentionMechanism", "AttentionWrapper", "AttentionWrapperState",
           "BahdanauAttention", "LuongAttention", "hardmax", "safe_cumprod"]
