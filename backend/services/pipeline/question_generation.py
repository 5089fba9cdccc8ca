"""Interview questions generated from a job's title and description, without any external
service by default.

1. :func:`~backend.services.pipeline.skills.extract_skills` finds the job's skills.
2. :func:`infer_level` reads the seniority from the title, else from "N years" phrases.
3. :func:`infer_role` picks the role family (backend, frontend, data, …).
4. A per-level plan of slots (technical depth, system design for senior and above,
   problem solving, behavioural, role-specific) is filled from template banks, each template
   naming concrete skills of this job. Choices are seeded from the job id, so the same job
   always gets the same questions.
5. Every template has a guide (:mod:`backend.services.pipeline.question_guides`): key points and
   misconceptions, filled with the same skills as its question, which the interview assessment
   judges answers against; level descriptors come by category (``_LEVELS``).

When ``settings.question_llm_base_url`` is set, an OpenAI-compatible model is asked first
(:mod:`backend.services.pipeline.question_llm`); any failure falls back to the templates.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session

from backend.models.pipeline import Question
from backend.services.pipeline import question_llm
from backend.services.pipeline.jobs import get_job
from backend.services.pipeline.question_guides import GUIDES
from backend.services.pipeline.questions import NewQuestion, replace_generated_questions
from backend.services.pipeline.skills import (
    BACKEND,
    CLOUD,
    DATA,
    DATABASE,
    DEVOPS,
    FRONTEND,
    LANGUAGE,
    MESSAGING,
    ML,
    MOBILE,
    NOT_A_SERVICE_LANGUAGE,
    PRACTICE,
    SECURITY,
    SOFT,
    STYLING_AND_TOOLING,
    TESTING,
    Skill,
    extract_skills,
)
from backend.settings import get_settings

MIN_QUESTIONS = 5
MAX_QUESTIONS = 10

JUNIOR, MID, SENIOR, STAFF, LEAD = "junior", "mid", "senior", "staff", "lead"
LEVELS = (JUNIOR, MID, SENIOR, STAFF, LEAD)
_ALL = frozenset(LEVELS)
_SENIOR_UP = frozenset({SENIOR, STAFF, LEAD})
_MID_UP = frozenset({MID, SENIOR, STAFF, LEAD})
_EARLY = frozenset({JUNIOR, MID})

TECHNICAL = "technical"
SYSTEM_DESIGN = "system_design"
BEHAVIOURAL = "behavioural"
PROBLEM_SOLVING = "problem_solving"
ROLE = "role"

# ------------------------------------------------------------------------------------------
# Level and role
# ------------------------------------------------------------------------------------------

# Checked in this order: the most senior word in a title wins ("Senior Lead" is a lead).
# Roman numerals ("Engineer II") are matched case-sensitively, the words in any case.
_TITLE_LEVELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        LEAD,
        re.compile(
            r"(?i:\b(lead|leader|head\s+of|manager|director|vp|vice\s+president|chief|cto)\b)"
        ),
    ),
    (STAFF, re.compile(r"(?i:\b(staff|principal|distinguished|architect|fellow)\b)")),
    (SENIOR, re.compile(r"(?i:\b(senior|sr\.?|snr|expert)(?=\W|$))|\bIII\b")),
    (
        JUNIOR,
        re.compile(
            r"(?i:\b(junior|jr\.?|entry[\s-]*level|graduate|grad|intern|internship|trainee|"
            r"apprentice|associate)(?=\W|$))"
        ),
    ),
    (MID, re.compile(r"(?i:\b(mid|mid[\s-]*level|intermediate)\b)|\bII\b")),
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
}  # fmt: skip
_YEARS = re.compile(
    r"\b(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")\s*(?:\+|plus)?\s*"
    r"(?:(?:-|–|to)\s*\d{1,2}\s*)?\+?\s*(?:years?|yrs?)\b(?P<after>[^.;\n]{0,40})",
    re.I,
)
_EXPERIENCE_WORDS = re.compile(r"experience|exp\b|professional|industry|hands[\s-]on", re.I)


def infer_level(title: str, desc: str) -> str:
    """junior, mid, senior, staff or lead: from the title, else from the years of experience
    asked for (0–1 junior, 2–4 mid, 5–7 senior, 8+ staff), else mid."""
    for level, pattern in _TITLE_LEVELS:
        if pattern.search(title):
            return level
    years = required_years(desc)
    if years is None:
        return MID
    if years <= 1:
        return JUNIOR
    if years <= 4:
        return MID
    if years <= 7:
        return SENIOR
    return STAFF


def required_years(text: str) -> int | None:
    """The largest "N years" of experience the text asks for, or None."""
    with_context: list[int] = []
    bare: list[int] = []
    for match in _YEARS.finditer(text):
        raw = match.group(1).lower()
        years = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        if years > 20:  # "a company with 50 years of history"
            continue
        (with_context if _EXPERIENCE_WORDS.search(match.group("after")) else bare).append(years)
    found = with_context or bare
    return max(found) if found else None


_ROLE_TITLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fullstack", re.compile(r"full[\s-]*stack", re.I)),
    ("frontend", re.compile(r"front[\s-]*end|\bui\b|\bweb\s+developer|\bux\s+engineer", re.I)),
    ("mobile", re.compile(r"\b(mobile|ios|android|flutter|react\s+native)\b", re.I)),
    ("ml", re.compile(r"\b(machine\s+learning|ml|ai|llm|data\s+scientist|nlp)\b", re.I)),
    ("data", re.compile(r"\b(data|analytics|bi|etl)\b", re.I)),
    (
        "devops",
        re.compile(r"\b(devops|sre|site\s+reliability|platform|infrastructure|cloud)\b", re.I),
    ),
    ("security", re.compile(r"\b(security|appsec|secops|penetration)\b", re.I)),
    ("qa", re.compile(r"\b(qa|quality|test|tester|sdet)\b", re.I)),
    ("backend", re.compile(r"back[\s-]*end|\bserver\b|\bapi\b", re.I)),
)
_ROLE_FROM_CATEGORY = {
    FRONTEND: "frontend",
    MOBILE: "mobile",
    ML: "ml",
    DATA: "data",
    DEVOPS: "devops",
    CLOUD: "devops",
    SECURITY: "security",
    TESTING: "qa",
    BACKEND: "backend",
    DATABASE: "backend",
    MESSAGING: "backend",
}


def infer_role(title: str, skills: list[Skill]) -> str:
    """The role family: from the title, else from the job's most common skill category."""
    for role, pattern in _ROLE_TITLES:
        if pattern.search(title):
            return role
    counts = Counter(
        _ROLE_FROM_CATEGORY[s.category] for s in skills if s.category in _ROLE_FROM_CATEGORY
    )
    if counts.get("frontend") and counts.get("backend"):
        return "fullstack"
    return counts.most_common(1)[0][0] if counts else "generic"


# ------------------------------------------------------------------------------------------
# Templates
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    text: str
    levels: frozenset[str] = _ALL


def _t(text: str, levels: frozenset[str] = _ALL) -> Template:
    return Template(text, levels)


# Technical depth for one named skill: the {skill} placeholder.
_SKILL_SPECIFIC: dict[str, tuple[Template, ...]] = {
    "Python": (
        _t(
            "When would you use a generator instead of building a list in Python? Show a case "
            "where it made a real difference.",
            _EARLY,
        ),
        _t(
            "How does the GIL affect a CPU-bound Python workload, and what would you do to use "
            "all cores?",
            _MID_UP,
        ),
        _t(
            "How do you structure a Python codebase with type hints so that a type checker "
            "catches real bugs? Where do you stop adding types?"
        ),
        _t(
            "Explain how asyncio schedules coroutines in Python. When does async code make a "
            "service slower instead of faster?",
            _SENIOR_UP,
        ),
    ),
    "Java": (
        _t(
            "How does garbage collection in Java affect latency, and how have you tuned or "
            "worked around it?",
            _MID_UP,
        ),
        _t(
            "What is the difference between an interface and an abstract class in Java, and "
            "when do you choose each?",
            _EARLY,
        ),
        _t(
            "How do you make shared state safe across threads in Java? Compare synchronized, "
            "locks and the java.util.concurrent classes.",
            _MID_UP,
        ),
    ),
    "JavaScript": (
        _t(
            "How does the JavaScript event loop order promise callbacks and setTimeout "
            "callbacks? Give an example where the order surprised you."
        ),
        _t("Explain closures in JavaScript and describe a bug caused by one."),
        _t("How do you handle errors in asynchronous JavaScript so none are silently lost?"),
    ),
    "TypeScript": (
        _t(
            "How do you model a value that can take several shapes in TypeScript, and how does "
            "narrowing keep it type-safe?"
        ),
        _t(
            "When is it acceptable to use 'any' or a type assertion in TypeScript, and how do "
            "you keep those from spreading?"
        ),
        _t(
            "How would you type a generic data-fetching helper in TypeScript so callers get the "
            "right response type?",
            _MID_UP,
        ),
    ),
    "Go": (
        _t(
            "How do goroutines and channels help you structure concurrent work in Go? When "
            "would you use a mutex instead?"
        ),
        _t("How do you handle and wrap errors in Go so that callers can act on them?"),
        _t(
            "How do you stop goroutine leaks in a long-running Go service, and how would you "
            "detect one?",
            _MID_UP,
        ),
    ),
    "Rust": (
        _t(
            "Explain ownership and borrowing in Rust with an example where the borrow checker "
            "stopped a real bug."
        ),
        _t(
            "When do you reach for Arc<Mutex<T>> in Rust, and what alternatives do you consider?",
            _MID_UP,
        ),
    ),
    "SQL": (
        _t(
            "Write, in words, a SQL query that returns each customer's most recent order. "
            "Which approaches (window functions, joins, subqueries) would you compare?"
        ),
        _t(
            "How do indexes change the way a SQL query runs, and when can an index make things "
            "worse?"
        ),
    ),
    "React": (
        _t("When does a React component re-render, and how do you avoid unnecessary re-renders?"),
        _t(
            "How do you decide between local state, context and a store for state in a React "
            "application?"
        ),
        _t(
            "What are the rules of hooks in React, and how would you write a custom hook for "
            "fetching data?",
            _EARLY,
        ),
        _t("How would you find and fix a slow interaction in a large React application?", _MID_UP),
    ),
    "Vue.js": (
        _t("How does reactivity work in Vue.js, and when have you hit its limits?"),
        _t("When do you use the Composition API in Vue.js instead of the Options API?"),
    ),
    "Angular": (
        _t("How does change detection work in Angular, and when would you use OnPush?"),
        _t("How do you use RxJS observables in Angular without leaking subscriptions?"),
    ),
    "CSS": (
        _t(
            "How would you build a responsive layout in CSS that works from phone to desktop? "
            "When do you choose flexbox and when grid?"
        ),
        _t("How do you keep CSS maintainable as a project grows: naming, scoping, design tokens?"),
        _t(
            "Explain CSS specificity and the cascade with an example of a styling bug you fixed.",
            _EARLY,
        ),
    ),
    "HTML": (
        _t(
            "Why does semantic HTML matter, and which elements do you use to make a form "
            "accessible?"
        ),
    ),
    "Node.js": (
        _t(
            "What happens in Node.js when a request handler does CPU-heavy work, and how do "
            "you avoid blocking the event loop?"
        ),
        _t(
            "How do you handle graceful shutdown in a Node.js service so in-flight requests "
            "finish?",
            _MID_UP,
        ),
    ),
    "Django": (
        _t("How do you find and fix N+1 queries in a Django application?"),
        _t("How do you run Django migrations on a large table without downtime?", _MID_UP),
    ),
    "FastAPI": (
        _t(
            "How does dependency injection work in FastAPI, and how do you use it for database "
            "sessions and authentication?"
        ),
        _t(
            "When do you write sync and when async endpoints in FastAPI, and what goes wrong "
            "when you mix them up?"
        ),
    ),
    "Spring Boot": (
        _t(
            "How does Spring Boot wire dependencies, and how do you keep configuration "
            "manageable across environments?"
        ),
        _t(
            "How do transactions work with @Transactional in Spring Boot, and what are its "
            "pitfalls?",
            _MID_UP,
        ),
    ),
    "PostgreSQL": (
        _t(
            "How would you find and fix a slow query in PostgreSQL? Which parts of EXPLAIN "
            "ANALYZE do you look at first?"
        ),
        _t(
            "How do PostgreSQL transaction isolation levels differ, and when have you needed "
            "more than READ COMMITTED?",
            _MID_UP,
        ),
        _t(
            "How do you add an index or a column to a large PostgreSQL table without locking "
            "out writes?",
            _MID_UP,
        ),
        _t(
            "What kinds of indexes does PostgreSQL offer, and how do you choose one for a query?",
            _EARLY,
        ),
    ),
    "MySQL": (
        _t(
            "How would you diagnose a slow query in MySQL, and how do indexes and the query "
            "plan help?"
        ),
        _t(
            "How does replication work in MySQL, and what problems does replica lag cause?", _MID_UP
        ),
    ),
    "MongoDB": (
        _t("How do you decide between embedding and referencing documents in MongoDB?"),
        _t("How do indexes work in MongoDB, and how do you find a query that is not using one?"),
    ),
    "Redis": (
        _t("Which Redis data structures have you used, and what problem did each solve?"),
        _t(
            "How do you stop a Redis cache from serving stale data, and what happens when "
            "Redis is down?",
            _MID_UP,
        ),
    ),
    "Kafka": (
        _t(
            "How do Kafka partitions and consumer groups affect ordering and throughput? How "
            "would you choose a partition key?"
        ),
        _t(
            "How do you make a Kafka consumer safe to retry? Which delivery guarantees do you "
            "rely on, and how do you handle duplicates?",
            _MID_UP,
        ),
        _t(
            "What is a Kafka topic, partition and offset, and how does a consumer keep track "
            "of what it has read?",
            _EARLY,
        ),
    ),
    "RabbitMQ": (
        _t(
            "How do exchanges, queues and bindings work in RabbitMQ, and how do you handle "
            "messages that keep failing?"
        ),
    ),
    "Docker": (
        _t(
            "How do you keep Docker images small and builds fast? Walk through a Dockerfile "
            "you improved."
        ),
        _t(
            "What is the difference between a Docker image and a container, and how do "
            "volumes fit in?",
            _EARLY,
        ),
    ),
    "Kubernetes": (
        _t(
            "How do readiness and liveness probes work in Kubernetes, and what happens when "
            "they are wrong?"
        ),
        _t("How would you debug a Kubernetes pod stuck in CrashLoopBackOff?"),
        _t(
            "How do you set resource requests and limits in Kubernetes, and what goes wrong "
            "when they are off?",
            _MID_UP,
        ),
    ),
    "AWS": (
        _t(
            "Which AWS services would you use to run a web API with a database, and how would "
            "you keep the cost under control?"
        ),
        _t(
            "How do you manage IAM permissions and secrets on AWS so each service gets only "
            "what it needs?",
            _MID_UP,
        ),
    ),
    "Terraform": (
        _t(
            "How do you structure Terraform code and state for several environments, and how "
            "do you review a plan safely?"
        ),
    ),
    "GraphQL": (
        _t(
            "How do you avoid the N+1 problem in a GraphQL server, and how do you protect it "
            "from very expensive queries?"
        ),
    ),
    "Machine learning": (
        _t(
            "How do you evaluate a machine learning model before it reaches production, and "
            "which metrics would you choose for an imbalanced dataset?"
        ),
        _t("How do you detect and handle data leakage in a machine learning pipeline?"),
    ),
    "LLMs": (
        _t(
            "How do you evaluate the quality of an application built on LLMs, and how do you "
            "catch regressions when you change a prompt or a model?"
        ),
        _t("How do you reduce hallucinations and control cost in a product that uses LLMs?"),
    ),
    "PyTorch": (
        _t(
            "Walk through a PyTorch training loop you wrote. How did you debug a model that "
            "would not converge?"
        ),
    ),
    "Apache Spark": (
        _t("What causes a shuffle in Apache Spark, and how do you deal with a skewed join?"),
    ),
    "Airflow": (
        _t(
            "How do you make Airflow tasks idempotent so a DAG can be re-run safely after a "
            "failure?"
        ),
    ),
}


# Level descriptors by category, for every generated question.
_LEVELS: dict[str, dict[str, str]] = {
    "technical": {
        "1": "No correct content, or states a misconception.",
        "3": "Part of the key points, stated in general terms.",
        "5": "All key points, specific and correct, with a concrete example.",
    },
    "system_design": {
        "1": "No workable design, or one that ignores the stated load.",
        "3": "A workable design with few numbers or trade-offs.",
        "5": "A design sized from numbers, with trade-offs and failure handling.",
    },
    "problem_solving": {
        "1": "Guesses without narrowing the problem down.",
        "3": "A plausible approach without measuring or weighing alternatives.",
        "5": "Measures first, narrows the cause, weighs alternatives and checks the fix.",
    },
    "behavioural": {
        "1": "No concrete situation, or someone else's work.",
        "3": "A real situation with the candidate's part, thin on outcome.",
        "5": "A specific situation, the candidate's own actions and a measured outcome.",
    },
    "role": {
        "1": "No relevant experience or motivation stated.",
        "3": "Some relevant experience, loosely tied to the role.",
        "5": "Relevant experience and motivation clearly tied to the role's work.",
    },
}

# Technical depth for any skill of a category.
_CATEGORY_TECHNICAL: dict[str, tuple[Template, ...]] = {
    LANGUAGE: (
        _t(
            "Which {skill} features or idioms do you rely on to keep code readable? Show one "
            "with a short example."
        ),
        _t(
            "How do you handle errors in {skill}? Compare two approaches you have used and "
            "when each fits."
        ),
        _t(
            "What tools do you use to test and lint {skill} code, and what does a good unit "
            "test look like to you?",
            _EARLY,
        ),
        _t("How does concurrency work in {skill}, and what pitfalls have you met?", _MID_UP),
        _t(
            "You profile a {skill} service and one function takes most of the CPU time. What "
            "are your next steps?",
            _SENIOR_UP,
        ),
    ),
    FRONTEND: (
        _t(
            "What problem does {skill} solve well in a front end, and where have you had to "
            "work around it?"
        ),
        _t(
            "How do you structure a {skill} codebase so that components stay reusable and testable?"
        ),
        _t(
            "How do you measure and improve the load and interaction performance of a "
            "{skill} front end?",
            _MID_UP,
        ),
    ),
    BACKEND: (
        _t(
            "What does {skill} give you out of the box, and where did you have to extend or "
            "work around it?"
        ),
        _t("How do you structure a {skill} service so the business logic is easy to test?"),
        _t(
            "How do you handle configuration, logging and errors consistently in a {skill} "
            "application?",
            _MID_UP,
        ),
    ),
    MOBILE: (
        _t("How do you handle offline use and slow networks in a {skill} app?"),
        _t("How do you find and fix a memory or battery problem in a {skill} app?", _MID_UP),
        _t("How do you structure state and navigation in a {skill} app?"),
    ),
    DATABASE: (
        _t(
            "How would you design the schema and indexes in {skill} for a feature you built "
            "recently? What trade-offs did you make?"
        ),
        _t("How do you change the schema or data layout in {skill} without downtime?", _MID_UP),
        _t("How do you find out why a query or lookup in {skill} is slow?"),
    ),
    MESSAGING: (
        _t(
            "How do you make consumers of {skill} safe to retry, and how do you handle "
            "duplicate or out-of-order messages?"
        ),
        _t(
            "What would you monitor in a system built on {skill}, and what would make you "
            "page someone?",
            _MID_UP,
        ),
    ),
    CLOUD: (
        _t(
            "Which {skill} services would you use to run a web API with a database, and how "
            "would you control cost?"
        ),
        _t("How do you manage access and secrets on {skill}?"),
    ),
    DEVOPS: (
        _t(
            "How have you used {skill} in a delivery pipeline? Describe something that broke "
            "and how you fixed it."
        ),
        _t("What does a good setup with {skill} look like for a team of ten engineers?", _MID_UP),
    ),
    DATA: (
        _t(
            "How would you build a pipeline with {skill} that can be re-run safely after a failure?"
        ),
        _t("How do you test and validate data flowing through {skill}?"),
        _t("How do you keep jobs built on {skill} fast and cheap as the data grows?", _MID_UP),
    ),
    ML: (
        _t("How do you evaluate work built with {skill} before it reaches production?"),
        _t(
            "Walk through a project where you used {skill}. What did the baseline look like, "
            "and what moved the metric most?"
        ),
        _t(
            "How do you version data, code and models in work with {skill} so that results "
            "can be reproduced?",
            _MID_UP,
        ),
    ),
    TESTING: (
        _t(
            "How do you decide what to cover with {skill} and what to leave to other kinds of "
            "tests?"
        ),
        _t("How do you keep a test suite built on {skill} fast and free of flaky tests?"),
    ),
    SECURITY: (
        _t("How have you applied {skill} in a system you built? What risk did it address?"),
        _t(
            "What are the most common mistakes teams make with {skill}, and how do you catch "
            "them in review?",
            _MID_UP,
        ),
    ),
    PRACTICE: (
        _t(
            "How do you apply {skill} in your day-to-day work? Give a concrete example and "
            "what it improved."
        ),
        _t(
            "When is {skill} not worth the cost? Describe a situation where you argued "
            "against it or scaled it back.",
            _MID_UP,
        ),
    ),
}

# Other slots: placeholders name the skill category they need ({db}, {msg}, …); {skill} and
# {skill2} are the job's two most relevant technical skills not yet used much.
_SYSTEM_DESIGN: tuple[Template, ...] = (
    _t(
        "Design a service in {lang} that ingests events from {msg} and stores them in {db}. "
        "How do you handle duplicates, back-pressure and a {db} outage?",
        _SENIOR_UP,
    ),
    _t(
        "Sketch the architecture of a multi-tenant API built with {svc} and {db}. How "
        "does it scale to ten times today's traffic, and what breaks first?",
        _SENIOR_UP,
    ),
    _t(
        "Design the data model and access patterns in {db} for a feature with heavy reads "
        "and occasional bulk writes. Where would you add caching, and how do you keep it "
        "consistent?",
        _SENIOR_UP,
    ),
    _t(
        "Design the front-end architecture for a large {ui} application shared by several "
        "teams: state, routing, code splitting and a shared design system.",
        _SENIOR_UP,
    ),
    _t(
        "Design a batch and streaming data platform using {data} and {skill2}. How do you "
        "handle late data, backfills and schema changes?",
        _SENIOR_UP,
    ),
    _t(
        "Design a deployment platform on {cloud} for fifty services. How do you handle "
        "rollouts, rollbacks, secrets and observability with {ops}?",
        _SENIOR_UP,
    ),
    _t(
        "Design a system that puts a component built with {ml} in front of live traffic. How "
        "do you handle latency, versioning and fallbacks?",
        _SENIOR_UP,
    ),
    _t(
        "How would you split a monolith written in {svc} into services? What would you "
        "extract first, and how would {skill2} fit in?",
        _SENIOR_UP,
    ),
    _t(
        "Design a notification system with {msg} that sends email and SMS reminders on a "
        "schedule. How do you avoid sending the same message twice?",
        _SENIOR_UP,
    ),
    _t(
        "Design the sync and offline storage for a {mobile} app used by field workers with "
        "poor connectivity.",
        _SENIOR_UP,
    ),
)

_PROBLEM_SOLVING: tuple[Template, ...] = (
    _t(
        "A {svc} service you own starts timing out after a deploy, but only for some "
        "users. Walk me through how you investigate."
    ),
    _t(
        "A nightly job that writes to {db} has doubled in runtime over a month. How do you "
        "find out why?"
    ),
    _t(
        "Consumers reading from {msg} are falling behind. How do you find the bottleneck, "
        "and what would you try first?"
    ),
    _t(
        "Users report that a {fe} page feels slow on older phones. How do you find the cause "
        "and what would you try first?"
    ),
    _t(
        "You are given a task in {skill} that you do not know how to do yet. How do you break "
        "it down, and when do you ask for help?",
        _EARLY,
    ),
    _t(
        "A test that touches {skill} fails about one run in twenty on CI. How do you track it down?"
    ),
    _t(
        "Memory use of a {svc} process grows slowly until it is restarted. How do you find "
        "the leak?",
        _MID_UP,
    ),
    _t(
        "A {data} job produced wrong numbers in yesterday's report. How do you find what "
        "went wrong and repair the data?"
    ),
    _t(
        "Something you shipped that relies on {ml} performs well offline but poorly in "
        "production. How do you find out why?"
    ),
    _t(
        "A release of your {mobile} app crashes on start for a small share of users. What do "
        "you do in the first hour?"
    ),
)

_BEHAVIOURAL: tuple[Template, ...] = (
    _t(
        "Tell me about a {skill} project you are proud of. What was your part, and what "
        "would you do differently now?"
    ),
    _t(
        "Describe a time a bug in {skill} code you wrote reached production. How was it "
        "found, and what did you change afterwards?"
    ),
    _t("Tell me how you learned {skill}. What was hard, and how did you get unstuck?", _EARLY),
    _t(
        "Tell me about a time you disagreed with a teammate about how to use {skill}. How "
        "was it resolved?",
        _MID_UP,
    ),
    _t(
        "This role asks for {soft}. Describe a situation on a {skill} project where {soft} "
        "made the difference."
    ),
    _t(
        "Tell me about a technical decision involving {skill} that you had to explain to "
        "people who were not engineers.",
        _MID_UP,
    ),
    _t(
        "Describe a time you received critical feedback on your {skill} code. What did you "
        "do with it?",
        _EARLY,
    ),
)

_LEADERSHIP: tuple[Template, ...] = (
    _t(
        "How have you helped engineers on your team grow their {skill} skills? Give a "
        "specific example.",
        _SENIOR_UP,
    ),
    _t(
        "Tell me about a time you changed how your team works with {skill}, for example "
        "its standards or review process. How did you get people on board?",
        _SENIOR_UP,
    ),
    _t(
        "Describe a project involving {skill} and {skill2} that was going off track. How did "
        "you notice, and what did you do as its lead?",
        _SENIOR_UP,
    ),
)

_ROLE_SPECIFIC: dict[str, tuple[Template, ...]] = {
    "backend": (
        _t(
            "How would you design idempotent, versioned endpoints for a public API built with "
            "{svc}?"
        ),
        _t("How do you handle authentication, authorisation and rate limiting in a {svc} API?"),
        _t(
            "How do you keep data in {db} consistent when a request updates several records "
            "and one step fails?"
        ),
    ),
    "frontend": (
        _t("How do you make a {ui} component accessible to keyboard and screen-reader users?"),
        _t(
            "How do you keep a {fe} UI consistent across browsers and screen sizes, and how do "
            "you test that?"
        ),
        _t("How do you handle loading, empty and error states when a {ui} view fetches data?"),
    ),
    "fullstack": (
        _t(
            "Walk me through a feature you built end to end with {ui} and {svc}. Where did "
            "the contract between front end and back end live?"
        ),
        _t("How do you decide whether logic belongs in the {ui} front end or in the back end?"),
    ),
    "mobile": (
        _t(
            "How do you release a {mobile} app update safely, and how do you support users "
            "who stay on old versions?"
        ),
        _t("How do you test a {mobile} app across devices and operating system versions?"),
    ),
    "data": (
        _t(
            "How do you check data quality in a pipeline built with {data}, and what happens "
            "when a check fails?"
        ),
        _t("How do you model data in {data} so that analysts can trust and reuse it?"),
    ),
    "ml": (
        _t(
            "How do you monitor what you built with {ml} in production for drift or degraded "
            "quality?"
        ),
        _t(
            "How do you decide whether a problem needs {ml} at all, or whether a simpler "
            "approach would do?"
        ),
    ),
    "devops": (
        _t(
            "How do you roll out a risky change with {ops} and roll it back quickly if the "
            "metrics degrade?"
        ),
        _t(
            "How do you design alerts with {ops} so that on-call engineers are paged for what "
            "matters and nothing else?"
        ),
    ),
    "qa": (
        _t(
            "How do you choose what to automate with {test} and what to leave to exploratory "
            "testing?"
        ),
        _t(
            "How do you report a bug found while testing {skill} so that a developer can fix "
            "it quickly?"
        ),
    ),
    "security": (
        _t("How do you threat-model a new feature built with {skill}?"),
        _t("How would you respond to a reported vulnerability in a {skill} component?"),
    ),
    "generic": (
        _t(
            "What would you focus on in your first ninety days in this role, and how would "
            "your {skill} experience help?"
        ),
        _t(
            "How do you keep your {skill} knowledge current, and what have you learned "
            "recently that changed how you work?"
        ),
    ),
}

# Jobs whose text names no known skill still get questions about the role itself.
_NO_SKILL: tuple[tuple[str, Template], ...] = (
    (
        TECHNICAL,
        _t("Which tools and technologies would you choose for the work of a {title}, and why?"),
    ),
    (
        TECHNICAL,
        _t(
            "Walk me through the most relevant piece of work you have done for a "
            "{title} role. What was hard about it?"
        ),
    ),
    (
        PROBLEM_SOLVING,
        _t(
            "Describe a difficult problem you solved that a {title} would face. "
            "How did you approach it?"
        ),
    ),
    (
        BEHAVIOURAL,
        _t("Tell me about a time you had to learn something new quickly to succeed as a {title}."),
    ),
    (ROLE, _t("What does great work look like for a {title} in the first ninety days?")),
    (
        SYSTEM_DESIGN,
        _t(
            "How would you plan and structure a large project as a {title}, from "
            "first sketch to delivery?",
            _SENIOR_UP,
        ),
    ),
)


def all_templates() -> list[Template]:
    """Every question template the generator may ask, once each (each has a guide in
    ``question_guides.GUIDES``)."""
    banks = [
        *_SKILL_SPECIFIC.values(),
        *_CATEGORY_TECHNICAL.values(),
        _SYSTEM_DESIGN,
        _PROBLEM_SOLVING,
        _BEHAVIOURAL,
        _LEADERSHIP,
        *_ROLE_SPECIFIC.values(),
        tuple(template for _, template in _NO_SKILL),
    ]
    return [template for bank in banks for template in bank]


# Which skill categories each placeholder may name; {skill} and {skill2} take any technical
# skill. {svc} is something a service is written in.
_PLACEHOLDER_CATEGORIES: dict[str, frozenset[str]] = {
    "lang": frozenset({LANGUAGE}),
    "svc": frozenset({LANGUAGE, BACKEND}),
    "db": frozenset({DATABASE}),
    "msg": frozenset({MESSAGING}),
    "fe": frozenset({FRONTEND}),
    "ui": frozenset({FRONTEND}),
    "cloud": frozenset({CLOUD}),
    "ops": frozenset({DEVOPS}),
    "data": frozenset({DATA}),
    "ml": frozenset({ML}),
    "mobile": frozenset({MOBILE}),
    "test": frozenset({TESTING}),
    "soft": frozenset({SOFT}),
}
_PLACEHOLDER_EXCLUDES = {
    "ui": STYLING_AND_TOOLING,  # a UI framework, not CSS or a bundler
    "svc": NOT_A_SERVICE_LANGUAGE,
    "lang": NOT_A_SERVICE_LANGUAGE,
}
# Practices and disciplines: asked about after the concrete tools of the job.
_GENERAL = frozenset({PRACTICE, TESTING, SECURITY})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

# Questions per level, in the order they are asked.
_PLAN = {
    JUNIOR: [TECHNICAL, TECHNICAL, TECHNICAL, PROBLEM_SOLVING, BEHAVIOURAL, ROLE],
    MID: [TECHNICAL, TECHNICAL, TECHNICAL, PROBLEM_SOLVING, BEHAVIOURAL, ROLE, TECHNICAL],
    SENIOR: [
        TECHNICAL, TECHNICAL, TECHNICAL, SYSTEM_DESIGN, PROBLEM_SOLVING, BEHAVIOURAL, ROLE,
        TECHNICAL,
    ],
    STAFF: [
        TECHNICAL, TECHNICAL, TECHNICAL, SYSTEM_DESIGN, SYSTEM_DESIGN, PROBLEM_SOLVING,
        BEHAVIOURAL, "leadership", ROLE,
    ],
    LEAD: [
        TECHNICAL, TECHNICAL, SYSTEM_DESIGN, SYSTEM_DESIGN, PROBLEM_SOLVING, BEHAVIOURAL,
        "leadership", "leadership", ROLE,
    ],
}  # fmt: skip


# ------------------------------------------------------------------------------------------
# Generation
# ------------------------------------------------------------------------------------------


@dataclass
class QuestionPlan:
    """What the generator read from the job, and the questions it wrote."""

    level: str
    role: str
    skills: list[Skill]
    questions: list[NewQuestion] = field(default_factory=list)


@dataclass
class QuestionGeneration:
    """The result of :func:`generate_questions`: saved questions and how they were made."""

    job_id: str
    level: str
    role: str
    skills: list[str]
    source: str  # "templates" or "llm"
    questions: list[Question]


class _Writer:
    """Fills the plan's slots, spreading the questions over the job's skills."""

    def __init__(self, *, seed: str, title: str, skills: list[Skill], level: str) -> None:
        self.rng = random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:16], 16))
        self.title = title
        self.level = level
        self.technical = [s for s in skills if s.technical]
        self.soft = [s for s in skills if not s.technical]
        self.uses: Counter[str] = Counter()
        self.texts: set[str] = set()
        self.used_templates: set[str] = set()
        self.questions: list[NewQuestion] = []

    # A skill's turn: least used first, then tools before practices, then most relevant.
    def _rank(self, candidates: list[Skill], exclude: set[str]) -> list[Skill]:
        order = {s.name: i for i, s in enumerate(self.technical + self.soft)}
        pool = [s for s in candidates if s.name not in exclude]
        return sorted(
            pool,
            key=lambda s: (self.uses[s.name], s.category in _GENERAL, order[s.name]),
        )

    def _pick(self, placeholder: str, chosen: set[str]) -> Skill | None:
        categories = _PLACEHOLDER_CATEGORIES.get(placeholder)
        if categories is None:  # {skill}, {skill2}: any technical skill
            pool = self.technical
        else:
            pool = [s for s in self.technical + self.soft if s.category in categories]
            excluded = _PLACEHOLDER_EXCLUDES.get(placeholder, frozenset())
            pool = [s for s in pool if s.name not in excluded]
        ranked = self._rank(pool, chosen)
        return ranked[0] if ranked else None

    def _fill(self, template: Template, *, skill: Skill | None = None) -> dict[str, str] | None:
        """The names for the template's placeholders (the job title, skills of this job), or
        None when the job has no skill for one or the question was already asked."""
        names: dict[str, str] = {"title": self.title}
        chosen: set[str] = set()
        if skill is not None:
            names["skill"] = skill.name
            chosen.add(skill.name)
        for placeholder in dict.fromkeys(_PLACEHOLDER.findall(template.text)):
            if placeholder in names:
                continue
            pick = self._pick(placeholder, chosen)
            if pick is None:
                return None
            names[placeholder] = pick.name
            chosen.add(pick.name)
        if _normalise(_filled(template.text, names)) in self.texts:
            return None
        for name in chosen:
            self.uses[name] += 1
        return names

    def _add(self, names: dict[str, str], category: str, template: Template) -> None:
        """Ask the template's question with its guide, both naming the same skills."""
        text = _filled(template.text, names)
        key_points, misconceptions = GUIDES[template.text]
        self.questions.append(
            NewQuestion(
                question_text=text,
                category=category,
                key_points=tuple(_filled(point, names) for point in key_points),
                misconceptions=tuple(_filled(wrong, names) for wrong in misconceptions),
                levels=dict(_LEVELS.get(category, {})),
            )
        )
        self.texts.add(_normalise(text))
        self.used_templates.add(template.text)

    def _try(
        self,
        templates: tuple[Template, ...],
        category: str,
        *,
        skill: Skill | None = None,
    ) -> bool:
        eligible = [
            t for t in templates if self.level in t.levels and t.text not in self.used_templates
        ]
        self.rng.shuffle(eligible)
        for template in eligible:
            names = self._fill(template, skill=skill)
            if names is not None:
                self._add(names, category, template)
                return True
        return False

    def technical_question(self) -> bool:
        for skill in self._rank(self.technical, set()):
            specific = _SKILL_SPECIFIC.get(skill.name, ())
            generic = _CATEGORY_TECHNICAL.get(skill.category, ())
            # Prefer the questions written for this very skill.
            if self._try(specific, TECHNICAL, skill=skill):
                return True
            if self._try(generic, TECHNICAL, skill=skill):
                return True
        return False

    def slot(self, slot: str) -> bool:
        if slot == TECHNICAL:
            return self.technical_question()
        if slot == SYSTEM_DESIGN:
            return self._try(_SYSTEM_DESIGN, SYSTEM_DESIGN)
        if slot == PROBLEM_SOLVING:
            return self._try(_PROBLEM_SOLVING, PROBLEM_SOLVING)
        if slot == BEHAVIOURAL:
            return self._try(_BEHAVIOURAL, BEHAVIOURAL)
        if slot == "leadership":
            return self._try(_LEADERSHIP, BEHAVIOURAL) or self._try(_BEHAVIOURAL, BEHAVIOURAL)
        return False

    def role_question(self, role: str) -> bool:
        return self._try(_ROLE_SPECIFIC.get(role, ()), ROLE) or self._try(
            _ROLE_SPECIFIC["generic"], ROLE
        )

    def about_the_role(self, *, until: int = MAX_QUESTIONS) -> None:
        """Questions that need only the job title (for jobs without known skills)."""
        for category, template in _NO_SKILL:
            if len(self.questions) >= until:
                return
            if self.level in template.levels and template.text not in self.used_templates:
                names = self._fill(template)
                if names is not None:
                    self._add(names, category, template)


def plan_questions(*, seed: str, title: str, desc: str) -> QuestionPlan:
    """Read a job and write 5–10 interview questions for it (pure: no database, no I/O).

    The same ``seed`` (the job id), title and description always give the same questions."""
    skills = extract_skills(title, desc)
    level = infer_level(title, desc)
    role = infer_role(title, skills)
    writer = _Writer(seed=seed, title=title.strip() or "team member", skills=skills, level=level)
    if not writer.technical:
        writer.about_the_role()
        return QuestionPlan(level, role, skills, writer.questions[:MAX_QUESTIONS])
    slots = list(_PLAN[level])
    if len(writer.technical) >= 6:
        slots.append(TECHNICAL)
    for slot in slots[:MAX_QUESTIONS]:
        done = writer.role_question(role) if slot == ROLE else writer.slot(slot)
        if not done:
            # No template fits this job (say, system design without a database or queue):
            # ask one more technical question instead.
            writer.technical_question()
    # A job with one narrow skill can run out of templates; top up with behavioural ones.
    while len(writer.questions) < MIN_QUESTIONS and (
        writer.technical_question() or writer.slot(BEHAVIOURAL) or writer.slot(PROBLEM_SOLVING)
    ):
        pass
    writer.about_the_role(until=MIN_QUESTIONS)
    return QuestionPlan(level, role, skills, writer.questions[:MAX_QUESTIONS])


def _filled(template: str, names: dict[str, str]) -> str:
    """A template (a question or a sentence of its guide) with its placeholders filled."""
    return _with_articles(template, names).format(**names)


def _with_articles(template: str, names: dict[str, str]) -> str:
    """Use "an" before a value that starts with a vowel ("an Office Manager")."""
    for placeholder, value in names.items():
        if value[:1].lower() in "aeiou":
            template = template.replace(f" a {{{placeholder}}}", f" an {{{placeholder}}}")
    return template


def _normalise(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def generate_questions(session: Session, *, org_id: str, job_id: str) -> QuestionGeneration:
    """Generate the job's interview questions and save them as its questions
    (``generated=True``), replacing earlier generated ones; questions written by people stay.

    Uses the configured OpenAI-compatible model when there is one, else (or on any failure)
    the built-in templates."""
    job = get_job(session, org_id=org_id, job_id=job_id)
    plan = plan_questions(seed=job.id, title=job.title, desc=job.desc)
    items, source = plan.questions, "templates"
    settings = get_settings()
    if settings.question_llm_base_url:
        phrased = question_llm.ask_for_questions(
            base_url=settings.question_llm_base_url,
            api_key=settings.question_llm_api_key,
            model=settings.question_llm_model,
            title=job.title,
            desc=job.desc,
            level=plan.level,
            skills=[s.name for s in plan.skills],
            count=len(plan.questions),
        )
        if phrased:
            items, source = phrased, "llm"
    saved = replace_generated_questions(session, org_id=org_id, job_id=job.id, items=items)
    return QuestionGeneration(
        job_id=job.id,
        level=plan.level,
        role=plan.role,
        skills=[s.name for s in plan.skills],
        source=source,
        questions=saved,
    )
