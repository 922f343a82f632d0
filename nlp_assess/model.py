"""The quality classifier: a scikit-learn Pipeline, saved with a verified manifest.

    Pipeline([("features", ColumnTransformer([
                   ("words", TfidfVectorizer(word 1-2 grams), narrative),
                   ("chars", TfidfVectorizer(char 3-5 grams), narrative),
                   ("findings", StandardScaler(), FINDING_FEATURES)])),
              ("classifier", CalibratedClassifierCV(<chosen by cross-validation>))])

The quality score is the expected grade under the calibrated probabilities (good 100,
requires improvement 50, inadequate 0); the band is the grade nearest to that expectation
(score >= 75 good, < 25 inadequate), so ordering records by score orders them by band.

Saved models are a directory: `model.joblib` and `manifest.json` (sha256 of the artifact,
library versions, features, training data hash, metrics, date). `load_model` checks the
hash and the versions before anything is unpickled and refuses with `ModelError`.
"""
from __future__ import annotations

import hashlib
import json
import platform
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .features import FINDING_FEATURES, GOOD_VALUES, REASON_TEXT, applicable_reasons

CLASSES = ("inadequate", "requires_improvement", "good")
CLASS_SCORE = {"inadequate": 0.0, "requires_improvement": 50.0, "good": 100.0}
BAND_CUTS = (25.0, 75.0)
ARTIFACT = "model.joblib"
MANIFEST = "manifest.json"


def default_model_dir() -> Path:
    """The shipped model: `models/quality/` in the source tree, installed as `nlp_assess.models`."""
    try:
        from importlib import resources

        return Path(str(resources.files("nlp_assess.models"))) / "quality"
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[1] / "models" / "quality"


class ModelError(Exception):
    """A model directory that cannot be used (missing, tampered, foreign versions)."""


def make_pipeline(classifier: Any, seed: int = 0):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    features = ColumnTransformer([
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=20000), 0),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True,
                                  max_features=30000), 0),
        ("findings", StandardScaler(), list(range(1, 1 + len(FINDING_FEATURES)))),
    ])
    calibrated = CalibratedClassifierCV(classifier, method="sigmoid", cv=5)
    return Pipeline([("features", features), ("classifier", calibrated)])


def candidate_classifiers(seed: int = 0) -> Dict[str, Any]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    return {
        "logreg_C0.1": LogisticRegression(C=0.1, max_iter=2000, random_state=seed),
        "logreg_C0.3": LogisticRegression(C=0.3, max_iter=2000, random_state=seed),
        "logreg_C1": LogisticRegression(C=1.0, max_iter=2000, random_state=seed),
        "logreg_C3": LogisticRegression(C=3.0, max_iter=2000, random_state=seed),
        "linearsvc_C0.03": LinearSVC(C=0.03, random_state=seed),
        "linearsvc_C0.1": LinearSVC(C=0.1, random_state=seed),
        "linearsvc_C1": LinearSVC(C=1.0, random_state=seed),
    }


def quadratic_kappa(gold: Sequence[str], pred: Sequence[str]) -> float:
    from sklearn.metrics import cohen_kappa_score

    order = {c: i for i, c in enumerate(CLASSES)}
    return float(cohen_kappa_score([order[g] for g in gold], [order[p] for p in pred], weights="quadratic",
                                   labels=[0, 1, 2]))


def choose_classifier(X: np.ndarray, y: Sequence[str], seed: int = 0, folds: int = 5) -> Tuple[str, Dict[str, float]]:
    """Cross-validated quadratic weighted kappa of each candidate on (X, y); the best name."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    scores = {}
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for name, clf in candidate_classifiers(seed).items():
        proba = cross_val_predict(make_pipeline(clf, seed), X, list(y), cv=cv, method="predict_proba")
        scores[name] = quadratic_kappa(y, bands_from_scores(scores_from_proba(proba, sorted(CLASSES))))
    best = max(scores, key=lambda k: (scores[k], -list(scores).index(k)))
    return best, scores


def scores_from_proba(proba: np.ndarray, classes: Sequence[str]) -> np.ndarray:
    values = np.array([CLASS_SCORE[c] for c in classes])
    return proba @ values


def bands_from_scores(scores: np.ndarray) -> List[str]:
    low, high = BAND_CUTS
    return ["good" if s >= high else "inadequate" if s < low else "requires_improvement" for s in scores]


# ------------------------------------------------------------------ saving and loading
def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def library_versions() -> Dict[str, str]:
    import joblib
    import scipy
    import sklearn

    from . import __version__

    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__, "numpy": np.__version__,
            "scipy": scipy.__version__, "joblib": joblib.__version__, "nlp_assess": __version__}


def write_model(pipeline: Any, out_dir: Path, fields: Dict[str, Any]) -> Dict[str, Any]:
    """Dump `pipeline` to `out_dir/model.joblib` and write `manifest.json`: the artifact's
    sha256, library versions and date, plus `fields` (what `load_model` and the card need)."""
    import joblib

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    artifact = out_dir / ARTIFACT
    joblib.dump(pipeline, artifact, compress=3)
    manifest = {"artifact": ARTIFACT, "sha256": sha256_file(artifact), "versions": library_versions(),
                "created": datetime.now(timezone.utc).strftime("%Y-%m-%d"), **fields}
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def save_model(pipeline: Any, out_dir: Path, *, training: Dict[str, Any], metrics: Dict[str, Any],
               extra: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    _plain_vocabularies(pipeline)
    return write_model(pipeline, out_dir, {
        "classes": list(pipeline.classes_),
        "class_scores": CLASS_SCORE,
        "band_cuts": list(BAND_CUTS),
        "features": ["narrative (tf-idf words 1-2)", "narrative (tf-idf chars 3-5)"] + list(FINDING_FEATURES),
        "training_data": training,
        "metrics": metrics,
        **(extra or {}),
    })


def _plain_vocabularies(pipeline: Any) -> None:
    """TF-IDF vocabularies map terms to numpy integers; joblib's unpickler is pure Python and
    rebuilds ~44k numpy scalars one by one, 0.09 s of every start-up (measured). Python ints
    index the same columns and load in a fraction of that."""
    for step in pipeline.named_steps.values():
        for _, transformer, _ in getattr(step, "transformers_", ()):
            vocabulary = getattr(transformer, "vocabulary_", None)
            if isinstance(vocabulary, dict):
                transformer.vocabulary_ = {term: int(index) for term, index in vocabulary.items()}


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def load_model(model_dir: Optional[Path] = None):
    """(pipeline, manifest) after checking the artifact's sha256 and library versions."""
    import joblib

    model_dir = Path(model_dir) if model_dir else default_model_dir()
    manifest_path = model_dir / MANIFEST
    if not manifest_path.is_file():
        raise ModelError(f"no {MANIFEST} in model directory {model_dir}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        artifact = model_dir / manifest["artifact"]
        expected = manifest["sha256"]
        versions = manifest["versions"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"model manifest {manifest_path} is unreadable ({exc.__class__.__name__})") from None
    if Path(manifest["artifact"]).name != manifest["artifact"] or not artifact.is_file():
        raise ModelError(f"model artifact {manifest['artifact']!r} not found in {model_dir}")
    actual = sha256_file(artifact)
    if actual != expected:
        raise ModelError(f"model artifact {artifact.name} does not match its manifest sha256; refusing to load it")
    here = library_versions()
    for lib in ("scikit-learn", "numpy", "joblib"):
        if _minor(versions.get(lib, "")) != _minor(here[lib]):
            raise ModelError(f"model was saved with {lib} {versions.get(lib)}, this machine has {here[lib]}; "
                             "retrain it with 'nlp-assess train' or install the matching version")
    return joblib.load(artifact), manifest


# ------------------------------------------------------------------ prediction
def predict(pipeline: Any, X: np.ndarray, Xt: Any = None) -> Tuple[np.ndarray, np.ndarray, List[str]]:
    """(probabilities in CLASSES order, scores 0-100, bands). `Xt`: X already through the
    pipeline's feature step (see `transform`), to skip doing it again."""
    if Xt is None:
        Xt = transform(pipeline, X)
    proba = pipeline.named_steps["classifier"].predict_proba(Xt)
    order = [list(pipeline.classes_).index(c) for c in CLASSES]
    proba = proba[:, order]
    scores = scores_from_proba(proba, CLASSES)
    return proba, scores, bands_from_scores(scores)


def transform(pipeline: Any, X: np.ndarray) -> Any:
    """X through the feature step (TF-IDF of the narrative, scaled findings): the slow part."""
    return pipeline.named_steps["features"].transform(X)


def reasons(pipeline: Any, X: np.ndarray, rows: Sequence[Dict[str, Any]], scores: np.ndarray,
            top: int = 3, Xt: Any = None) -> List[List[str]]:
    """The findings that drove each grade: for each finding that falls short, the rise in
    score the model predicts if it had been recorded well; the largest `top`, in words.

    Only the findings columns change between a record and its variants, so the text features
    are computed once (`Xt`) and each variant re-scales just its findings."""
    from scipy import sparse

    if Xt is None:
        Xt = transform(pipeline, X)
    features = pipeline.named_steps["features"]
    scaler = features.named_transformers_["findings"]
    n_find = len(FINDING_FEATURES)
    Xt = sparse.csr_matrix(Xt)
    text_part = Xt[:, : Xt.shape[1] - n_find]
    index = {name: j for j, name in enumerate(FINDING_FEATURES)}
    raw = np.asarray(X[:, 1:], dtype=float)  # the findings, unscaled (column 0 is the narrative)
    variants, owners = [], []
    for i, row in enumerate(rows):
        for reason in applicable_reasons(row):
            x = raw[i].copy()
            for feat, value in GOOD_VALUES[reason].items():
                x[index[feat]] = value
            variants.append(x)
            owners.append((i, reason))
    out: List[List[Tuple[float, str]]] = [[] for _ in rows]
    if variants:
        rows_idx = [i for i, _ in owners]
        Xv = sparse.hstack([text_part[rows_idx], sparse.csr_matrix(scaler.transform(np.array(variants)))]).tocsr()
        _, new_scores, _ = predict(pipeline, None, Xt=Xv)
        for (i, reason), s in zip(owners, new_scores):
            out[i].append((float(s - scores[i]), reason))
    return [[REASON_TEXT[r] for gain, r in sorted(o, key=lambda t: -t[0])[:top]] for o in out]


# ------------------------------------------------------------------ scoring rows
QUALITY_FIELDS = ("quality_score", "quality_band", "quality_probabilities", "quality_reasons")


class QualityModel:
    """The quality classifier, loaded (and verified) once."""

    def __init__(self, model_dir=None):
        self.model_dir = model_dir
        self.pipeline, self.manifest = load_model(model_dir)

    def score(self, records: List[Dict[str, Any]], rows: List[Dict[str, Any]]) -> None:
        """Fill quality_score, quality_band, quality_probabilities and quality_reasons in place."""
        from .features import feature_row, to_matrix

        if not rows:
            return
        X = to_matrix([feature_row(rec, row) for rec, row in zip(records, rows)])
        Xt = transform(self.pipeline, X)  # once: the text features are the slow part
        proba, scores, bands = predict(self.pipeline, X, Xt=Xt)
        why = reasons(self.pipeline, X, rows, scores, Xt=Xt)
        for row, p, s, b, w in zip(rows, proba, scores, bands, why):
            row["quality_score"] = round(float(s), 1)
            row["quality_band"] = b
            row["quality_probabilities"] = {c: round(float(v), 3) for c, v in zip(CLASSES, p)}
            row["quality_reasons"] = w

    def wait(self) -> None:
        """Loaded already (the same interface as BackgroundModel)."""

    def close(self) -> None:
        """Nothing to release."""


def start_quality_model(model_dir=None, labels: bool = False):
    """The verified quality model for a one-process run: loading in a forked side process
    (BackgroundModel) where the platform can fork, so the caller can import spaCy meanwhile,
    else loaded here. Either way `wait()` raises ModelError for a refused model and `close()`
    releases it. With `labels` the side process also serves the trained second opinion
    (second_opinion.LabelModel: pass the returned object as `labeller`); where fork is
    unavailable the caller loads that itself."""
    import multiprocessing

    if "fork" in multiprocessing.get_all_start_methods():
        return BackgroundModel(model_dir, labels=labels)
    return QualityModel(model_dir)


class BackgroundModel:
    """A QualityModel that loads in a forked process while the caller imports spaCy and
    builds the pipeline (`check`, and `score` with one job): importing scikit-learn and
    loading the model take about as long as spaCy's start-up, so on two cores the first row
    comes after the slower of the two instead of their sum. The child runs
    QualityModel.score, so rows are scored exactly as in-process; each chunk's rows cross a
    pipe, a few milliseconds against seconds of spaCy work. Where fork is unavailable, use
    QualityModel.

    A model that fails verification raises ModelError from `wait` or `score`, with the same
    message as QualityModel. With `labels` the child also loads the second-opinion classifier
    (second_opinion.LabelModel, which needs scikit-learn too) and this object stands in for it:
    `thresholds` and `opinions(texts)`."""

    def __init__(self, model_dir=None, labels: bool = False):
        import multiprocessing

        self.model_dir = model_dir
        self._loaded: Optional[str] = None  # "" once loaded, else the error message
        self._thresholds: Dict[str, float] = {}
        context = multiprocessing.get_context("fork")
        self._conn, child_conn = context.Pipe()
        self._process = context.Process(target=_serve_model, args=(model_dir, child_conn, labels), daemon=True)
        self._process.start()
        child_conn.close()

    def wait(self) -> None:
        """Block until the model is loaded; ModelError if it was refused (bad sha256, versions)."""
        if self._loaded is None:
            try:
                self._loaded, self._thresholds = self._conn.recv()
            except (EOFError, OSError):
                self._loaded = "the model process stopped while loading"
        if self._loaded:
            raise ModelError(self._loaded)

    def _ask(self, request: Tuple[Any, ...]) -> Any:
        self.wait()
        try:
            self._conn.send(request)
            status, payload = self._conn.recv()
        except (EOFError, OSError):
            raise ModelError("the model process stopped before scoring") from None
        if status != "ok":
            raise ModelError(payload)
        return payload

    def score(self, records: List[Dict[str, Any]], rows: List[Dict[str, Any]]) -> None:
        for row, fields in zip(rows, self._ask(("score", records, rows))):
            row.update(fields)

    @property
    def thresholds(self) -> Dict[str, float]:
        """The second opinion's thresholds (second_opinion.LabelModel.thresholds)."""
        self.wait()
        return self._thresholds

    def opinions(self, texts: List[str]) -> List[Dict[str, Dict[str, Any]]]:
        """second_opinion.LabelModel.opinions, computed in the side process."""
        return self._ask(("opinions", list(texts))) if texts else []

    def close(self) -> None:
        try:
            self._conn.send(None)  # stop; the child also holds a copy of this end, so no EOF
        except OSError:
            pass
        self._conn.close()
        self._process.join(timeout=5)


def _serve_model(model_dir, conn, labels: bool = False) -> None:
    """The child of BackgroundModel: load and verify, then answer each request ("score" or
    "opinions") until the parent closes the pipe. Errors go back as one-line messages (never
    narrative text)."""
    labeller = None
    try:
        model: Optional[QualityModel] = QualityModel(model_dir)
        if labels:
            from .second_opinion import LabelModel

            labeller = LabelModel()
        error = ""
    except ModelError as exc:
        model, error = None, str(exc)
    try:  # the load handshake BackgroundModel.wait() reads
        conn.send((error, labeller.thresholds if labeller is not None else {}))
    except OSError:
        return
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        if model is None:
            conn.send(("error", error))
            continue
        try:
            if request[0] == "opinions":
                if labeller is None:
                    raise ModelError("no second-opinion model loaded")
                answer = labeller.opinions(request[1])
            else:
                _, records, rows = request
                model.score(records, rows)
                answer = [{k: row[k] for k in QUALITY_FIELDS} for row in rows]
        except Exception as exc:  # noqa: BLE001 - reported to the parent as one line
            conn.send(("error", f"scoring failed: {exc.__class__.__name__}"))
            continue
        conn.send(("ok", answer))

