"""``tf.contrib.seq2seq``: sequence-to-sequence decoding (helpers, ``BasicDecoder``,
``dynamic_decode``), attention (``BahdanauAttention``, ``LuongAttention``,
``AttentionWrapper``), beam search (``BeamSearchDecoder``, ``tile_batch``, ``gather_tree``)
and ``sequence_loss``, with TensorFlow 1.x's names, shapes and variable names.
"""

from .._missing import missing_attribute
from .attention_mechanisms import (
                                   AttentionMechanism,
                                   BahdanauAttention,
                                   LuongAttention,
                                   hardmax,
                                   safe_cumprod,
)
from .attention_monotonic import (
                                   BahdanauMonotonicAttention,
                                   LuongMonotonicAttention,
                                   monotonic_attention,
)
from .attention_wrapper import AttentionWrapper, AttentionWrapperState
from .beam_search_decoder import (
                                   BeamSearchDecoder,
                                   BeamSearchDecoderOutput,
                                   BeamSearchDecoderState,
                                   FinalBeamSearchDecoderOutput,
                                   gather_tree,
                                   tile_batch,
)
from .decoder import BasicDecoder, BasicDecoderOutput, Decoder, dynamic_decode
from .helper import (
                                   CustomHelper,
                                   GreedyEmbeddingHelper,
                                   Helper,
                                   InferenceHelper,
                                   SampleEmbeddingHelper,
                                   ScheduledEmbeddingTrainingHelper,
                                   ScheduledOutputTrainingHelper,
                                   TrainingHelper,
)
from .loss import sequence_loss

__all__ = ["AttentionMechanism", "AttentionWrapper", "AttentionWrapperState",
           "BahdanauAttention", "BahdanauMonotonicAttention", "BasicDecoder",
           "BasicDecoderOutput", "BeamSearchDecoder", "BeamSearchDecoderOutput",
           "BeamSearchDecoderState", "CustomHelper", "Decoder", "FinalBeamSearchDecoderOutput",
           "GreedyEmbeddingHelper", "Helper", "InferenceHelper", "LuongAttention",
           "LuongMonotonicAttention", "SampleEmbeddingHelper",
           "ScheduledEmbeddingTrainingHelper", "ScheduledOutputTrainingHelper",
           "TrainingHelper", "dynamic_decode", "gather_tree", "hardmax", "monotonic_attention",
           "safe_cumprod", "sequence_loss", "tile_batch"]

__getattr__ = missing_attribute(__name__, "tf.contrib.seq2seq")
