"""Batch-level detection of copy-pasted and stock supervisor reviews (rubric: review_copy_paste).

    normalise.py   what changes between pastes becomes a placeholder; word shingles
    minhash.py     vectorised MinHash signatures and LSH banding (numpy)
    detect.py      candidates -> exact verification -> clusters; stock one-liners by specificity
"""
from .detect import ReviewSettings, detect_copies

__all__ = ["ReviewSettings", "detect_copies"]
