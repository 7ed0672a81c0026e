"""``tf.contrib.seq2seq.python.ops.attention_wrapper``: re-exports (smallflow's classes)."""

from ...attention_mechanisms import (
                                    AttentionMechanism,
                                    BahdanauAttention,
                                    LuongAttention,
                                    hardmax,
                                    safe_cumprod,
)
from ...attention_monotonic import (
                                    BahdanauMonotonicAttention,
                                    LuongMonotonicAttention,
                                    monotonic_attention,
)
from ...attention_wrapper import AttentionWrapper, AttentionWrapperState

__all__ = ["AttentionMechanism", "AttentionWrapper", "AttentionWrapperState",
           "BahdanauAttention", "BahdanauMonotonicAttention", "LuongAttention",
           "LuongMonotonicAttention", "hardmax", "monotonic_attention", "safe_cumprod"]
