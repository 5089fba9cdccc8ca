"""A skills vocabulary for reading job descriptions: a few hundred technologies, practices and
soft skills, each with its aliases, and the extraction of the skills a text mentions.

Aliases match case-insensitively on word boundaries that understand ``C++``, ``C#``,
``.NET`` and ``Node.js``. An alias written ``=Go`` matches only with that exact case, for
names that are also everyday words ("Go", "Swift", "Spring", "REST")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# Categories, also used to pick question templates.
LANGUAGE = "language"
FRONTEND = "frontend"
BACKEND = "backend"
MOBILE = "mobile"
DATABASE = "database"
MESSAGING = "messaging"
CLOUD = "cloud"
DEVOPS = "devops"
DATA = "data"
ML = "ml"
TESTING = "testing"
SECURITY = "security"
PRACTICE = "practice"
SOFT = "soft"

TECHNICAL_CATEGORIES = (
    LANGUAGE,
    FRONTEND,
    BACKEND,
    MOBILE,
    DATABASE,
    MESSAGING,
    CLOUD,
    DEVOPS,
    DATA,
    ML,
    TESTING,
    SECURITY,
    PRACTICE,
)


@dataclass(frozen=True)
class Skill:
    name: str
    category: str

    @property
    def technical(self) -> bool:
        return self.category != SOFT


# name: aliases. The name itself is an alias too (case-insensitive) unless listed as "=Name".
_VOCABULARY: dict[str, dict[str, tuple[str, ...]]] = {
    LANGUAGE: {
        "Python": ("python3", "cpython"),
        "Java": ("java se", "java ee", "j2ee"),
        "JavaScript": ("js", "ecmascript", "es6", "es2015", "vanilla js"),
        "TypeScript": ("=TS",),
        "Go": ("golang", "=Go"),
        "Rust": ("rustlang",),
        "C++": ("cpp", "cplusplus"),
        "C#": ("csharp", "c sharp"),
        "C": ("=C",),
        "Ruby": (),
        "PHP": (),
        "Kotlin": (),
        "Swift": ("=Swift",),
        "Objective-C": ("objc", "obj-c", "objective c"),
        "Scala": (),
        "Elixir": (),
        "Erlang": (),
        "Haskell": (),
        "Clojure": (),
        "F#": ("fsharp",),
        "OCaml": (),
        "Perl": (),
        "R": ("=R", "r language", "rstudio"),
        "MATLAB": (),
        "Dart": (),
        "Lua": (),
        "Groovy": (),
        "Bash": ("shell scripting", "shell scripts", "zsh"),
        "PowerShell": (),
        "SQL": ("t-sql", "tsql", "pl/sql", "plpgsql"),
        "Solidity": (),
        "Zig": (),
        "COBOL": (),
        "Fortran": (),
        "Assembly": ("assembly language", "x86 assembly", "arm assembly"),
        "Verilog": ("systemverilog",),
        "VHDL": (),
    },
    FRONTEND: {
        "React": ("react.js", "reactjs"),
        "Next.js": ("nextjs",),
        "Vue.js": ("vue", "vuejs", "vue 3"),
        "Nuxt": ("nuxt.js", "nuxtjs"),
        "Angular": ("angularjs",),
        "Svelte": ("sveltekit",),
        "SolidJS": ("solid.js",),
        "Ember.js": ("emberjs",),
        "jQuery": (),
        "Redux": ("redux toolkit", "rtk query"),
        "MobX": (),
        "Zustand": (),
        "RxJS": (),
        "HTML": ("html5",),
        "CSS": ("css3",),
        "Sass": ("scss",),
        "Tailwind CSS": ("tailwind", "tailwindcss"),
        "Bootstrap": ("=Bootstrap",),
        "Material UI": ("mui", "material-ui"),
        "styled-components": ("styled components", "css-in-js"),
        "Webpack": (),
        "Vite": (),
        "Babel": (),
        "esbuild": (),
        "Storybook": (),
        "Three.js": ("threejs",),
        "D3.js": ("d3",),
        "WebGL": (),
        "WebAssembly": ("wasm",),
        "Web Components": ("custom elements", "shadow dom"),
        "Progressive Web Apps": ("pwa", "pwas", "progressive web app"),
        "Gatsby": (),
        "Alpine.js": ("alpinejs",),
        "htmx": (),
        "Apollo": ("apollo client", "apollo server"),
        "Figma": (),
        "Design systems": ("design system", "component library"),
    },
    BACKEND: {
        "Node.js": ("nodejs", "node js", "=Node"),
        "Express": ("express.js", "expressjs", "=Express"),
        "NestJS": ("nest.js",),
        "Django": ("django rest framework", "drf"),
        "Flask": (),
        "FastAPI": (),
        "Spring Boot": ("=Spring", "springboot", "spring framework", "spring mvc"),
        "Ruby on Rails": ("rails", "ror"),
        "Laravel": (),
        "Symfony": (),
        "ASP.NET": ("asp.net core", "asp.net mvc"),
        ".NET": ("dotnet", ".net core", ".net framework"),
        "Phoenix": ("phoenix framework", "phoenix liveview"),
        "Quarkus": (),
        "Micronaut": (),
        "Ktor": (),
        "Hibernate": ("jpa",),
        "SQLAlchemy": (),
        "Celery": (),
        "Nginx": (),
        "Deno": (),
        "Tomcat": (),
        "Gin": ("gin-gonic",),
        "Actix": ("actix-web",),
        "Tokio": (),
    },
    MOBILE: {
        "iOS": (),
        "Android": (),
        "React Native": (),
        "Flutter": (),
        "SwiftUI": (),
        "UIKit": (),
        "Jetpack Compose": ("compose multiplatform",),
        "Kotlin Multiplatform": ("kmp", "kmm"),
        "Xamarin": (".net maui", "maui"),
        "Ionic": (),
        "Expo": ("=Expo",),
    },
    DATABASE: {
        "PostgreSQL": ("postgres", "psql", "pg"),
        "MySQL": (),
        "MariaDB": (),
        "SQLite": (),
        "Oracle Database": ("=Oracle", "oracle db"),
        "SQL Server": ("mssql", "ms sql", "microsoft sql server"),
        "MongoDB": ("mongo",),
        "Redis": (),
        "Memcached": (),
        "Cassandra": ("apache cassandra",),
        "DynamoDB": ("dynamo db",),
        "Elasticsearch": ("elastic search", "elk stack", "elk"),
        "OpenSearch": (),
        "Neo4j": ("cypher",),
        "CouchDB": (),
        "Couchbase": (),
        "Firebase": ("firestore",),
        "Supabase": (),
        "CockroachDB": (),
        "ClickHouse": (),
        "InfluxDB": (),
        "TimescaleDB": (),
        "ScyllaDB": (),
        "HBase": (),
        "Amazon Aurora": ("aws aurora", "=Aurora"),
        "Cosmos DB": ("cosmosdb",),
        "pgvector": (),
        "Pinecone": (),
        "Weaviate": (),
        "Milvus": (),
        "Vector databases": ("vector database", "vector db", "vector store"),
    },
    MESSAGING: {
        "Kafka": ("apache kafka", "kafka streams"),
        "RabbitMQ": ("amqp",),
        "Amazon SQS": ("sqs",),
        "Amazon SNS": ("aws sns",),
        "Google Pub/Sub": ("pub/sub", "pubsub"),
        "NATS": ("=NATS",),
        "ActiveMQ": (),
        "ZeroMQ": ("zmq",),
        "Amazon Kinesis": ("kinesis",),
        "Apache Pulsar": ("=Pulsar",),
        "MQTT": (),
        "Azure Event Hubs": ("event hubs",),
    },
    CLOUD: {
        "AWS": ("amazon web services",),
        "Google Cloud": ("gcp", "google cloud platform"),
        "Azure": ("microsoft azure",),
        "AWS Lambda": ("lambda functions",),
        "Amazon S3": ("s3",),
        "Amazon EC2": ("ec2",),
        "Amazon ECS": ("ecs", "fargate"),
        "Amazon EKS": ("eks",),
        "GKE": ("google kubernetes engine",),
        "AKS": ("azure kubernetes service",),
        "Cloudflare": ("cloudflare workers",),
        "Heroku": (),
        "DigitalOcean": (),
        "Vercel": (),
        "Netlify": (),
        "Serverless": ("serverless framework", "faas"),
        "CloudFormation": (),
        "AWS CDK": ("cdk",),
        "Cloud Run": (),
        "Azure Functions": (),
        "OpenStack": (),
    },
    DEVOPS: {
        "Docker": ("dockerfile", "docker compose", "docker-compose"),
        "Kubernetes": ("k8s", "kubectl"),
        "Helm": ("=Helm", "helm charts"),
        "Terraform": ("opentofu",),
        "Pulumi": (),
        "Ansible": (),
        "Jenkins": (),
        "GitHub Actions": (),
        "GitLab CI": ("gitlab ci/cd", "gitlab-ci"),
        "CircleCI": (),
        "Argo CD": ("argocd",),
        "Prometheus": (),
        "Grafana": (),
        "Datadog": (),
        "New Relic": (),
        "Splunk": (),
        "OpenTelemetry": ("otel",),
        "Jaeger": (),
        "Sentry": (),
        "Linux": ("unix",),
        "Git": (),
        "Istio": ("service mesh",),
        "Envoy": (),
        "Consul": (),
        "HashiCorp Vault": ("=Vault",),
        "Packer": (),
        "Bazel": (),
        "Maven": (),
        "Gradle": (),
        "PagerDuty": (),
    },
    DATA: {
        "Apache Spark": ("=Spark", "pyspark", "spark sql", "spark streaming"),
        "Hadoop": ("hdfs", "mapreduce"),
        "Airflow": ("apache airflow",),
        "dbt": (),
        "Snowflake": (),
        "BigQuery": (),
        "Redshift": (),
        "Databricks": (),
        "Apache Flink": ("flink",),
        "Apache Beam": ("dataflow",),
        "Trino": ("presto", "prestodb"),
        "Hive": ("apache hive",),
        "Pandas": (),
        "NumPy": (),
        "Polars": (),
        "Dask": (),
        "Tableau": (),
        "Power BI": ("powerbi",),
        "Looker": (),
        "Metabase": (),
        "ETL": ("elt", "etl pipelines", "data pipelines", "data pipeline"),
        "Data warehousing": ("data warehouse", "data warehouses", "data lake", "lakehouse"),
        "Data modeling": ("data modelling", "dimensional modeling", "star schema"),
        "Fivetran": (),
        "Airbyte": (),
        "Delta Lake": (),
        "Apache Iceberg": ("iceberg",),
        "Parquet": (),
        "Jupyter": ("jupyter notebooks",),
    },
    ML: {
        "Machine learning": ("=ML", "ml models", "ml engineering"),
        "Deep learning": ("neural networks",),
        "PyTorch": ("torch",),
        "TensorFlow": (),
        "Keras": (),
        "scikit-learn": ("sklearn", "scikit learn"),
        "XGBoost": (),
        "LightGBM": (),
        "Hugging Face": ("huggingface", "hugging face transformers"),
        "LangChain": (),
        "LangGraph": (),
        "LlamaIndex": (),
        "LLMs": ("llm", "large language model", "large language models", "genai"),
        "NLP": ("natural language processing",),
        "Computer vision": ("opencv", "image recognition"),
        "RAG": ("retrieval-augmented generation", "retrieval augmented generation"),
        "Prompt engineering": (),
        "Fine-tuning": ("fine tuning", "finetuning", "lora"),
        "MLOps": (),
        "MLflow": (),
        "Kubeflow": (),
        "SageMaker": ("amazon sagemaker",),
        "Vertex AI": (),
        "OpenAI API": ("openai", "gpt-4", "gpt-4o"),
        "Multi-agent systems": ("multi-agent", "multi agent", "agentic", "ai agents"),
        "Reinforcement learning": (),
        "Recommender systems": ("recommendation systems", "recommendation engine"),
        "CUDA": (),
        "Embeddings": ("vector embeddings",),
        "Time series forecasting": ("time series", "forecasting"),
    },
    TESTING: {
        "Unit testing": ("unit tests", "unit test"),
        "Integration testing": ("integration tests",),
        "End-to-end testing": ("e2e", "end-to-end tests", "end to end testing"),
        "pytest": (),
        "JUnit": (),
        "Jest": (),
        "Mocha": (),
        "Cypress": (),
        "Playwright": (),
        "Selenium": ("webdriver",),
        "Testing Library": ("react testing library",),
        "Vitest": (),
        "TDD": ("test-driven development", "test driven development"),
        "BDD": ("cucumber", "behavior-driven development"),
        "Load testing": ("performance testing", "k6", "jmeter", "gatling"),
        "Postman": (),
        "Appium": (),
        "TestNG": (),
        "RSpec": (),
        "Test automation": ("automated testing", "automation testing"),
    },
    SECURITY: {
        "OWASP": ("owasp top 10",),
        "OAuth": ("oauth2", "oauth 2.0", "openid connect", "oidc"),
        "JWT": ("json web tokens",),
        "SSO": ("single sign-on", "saml"),
        "Penetration testing": ("pentesting", "pen testing"),
        "Threat modeling": ("threat modelling",),
        "Encryption": ("tls", "cryptography"),
        "Application security": ("appsec", "secure coding"),
        "SIEM": (),
        "SOC 2": ("soc2",),
        "GDPR": (),
        "HIPAA": (),
        "PCI DSS": ("pci-dss", "pci compliance"),
        "Zero trust": (),
        "Vulnerability management": ("vulnerability scanning",),
        "Cybersecurity": ("cyber security", "information security", "infosec"),
    },
    PRACTICE: {
        "REST APIs": ("=REST", "restful", "rest api", "rest apis", "restful apis"),
        "GraphQL": (),
        "gRPC": ("protobuf", "protocol buffers"),
        "WebSockets": ("websocket", "socket.io"),
        "Microservices": ("microservice", "micro-services", "service-oriented architecture"),
        "Distributed systems": ("distributed computing",),
        "System design": ("systems design", "software architecture"),
        "Event-driven architecture": ("event-driven", "event driven", "event sourcing", "cqrs"),
        "Domain-driven design": ("ddd",),
        "CI/CD": ("cicd", "continuous integration", "continuous delivery", "continuous deployment"),
        "Agile": (),
        "Scrum": (),
        "Kanban": (),
        "Code review": ("code reviews",),
        "Observability": ("monitoring", "alerting", "logging and tracing"),
        "Performance optimization": ("performance tuning", "profiling", "performance optimisation"),
        "Scalability": ("high availability", "scalable systems", "high-traffic"),
        "Caching": ("cdn",),
        "Concurrency": ("multithreading", "multi-threading", "async programming", "asyncio"),
        "API design": ("api-first",),
        "Object-oriented design": ("oop", "object-oriented", "object oriented"),
        "Functional programming": (),
        "Design patterns": ("solid principles",),
        "Data structures and algorithms": ("data structures", "algorithms"),
        "Infrastructure as code": ("iac",),
        "DevOps": (),
        "Site reliability engineering": ("=SRE", "site reliability"),
        "Incident response": ("on-call", "incident management", "postmortems"),
        "Accessibility": ("a11y", "wcag"),
        "Responsive design": ("responsive web design", "mobile-first"),
        "SEO": ("search engine optimization",),
        "Web performance": ("core web vitals", "lighthouse"),
        "Cross-browser compatibility": ("cross-browser",),
        "Technical documentation": ("technical writing",),
        "Open source": ("open-source",),
        "Pair programming": (),
        "Clean code": ("refactoring",),
        "Embedded systems": ("embedded", "firmware", "rtos"),
        "Statistics": ("statistical modeling", "statistical analysis"),
        "A/B testing": ("ab testing", "a/b tests", "experimentation"),
    },
    SOFT: {
        "communication": ("communication skills", "communicator", "written and verbal"),
        "leadership": ("technical leadership", "lead a team", "leading teams"),
        "mentoring": ("mentor", "mentorship", "coaching", "mentor junior"),
        "collaboration": ("collaborative", "teamwork", "team player", "cross-functional"),
        "stakeholder management": ("stakeholders", "stakeholder"),
        "ownership": ("accountability", "take ownership"),
        "problem solving": ("problem-solving", "problem solver"),
        "prioritisation": ("prioritization", "time management"),
        "adaptability": ("adaptable", "fast-paced", "ambiguity"),
        "attention to detail": ("detail-oriented", "detail oriented"),
        "customer focus": ("customer-focused", "customer obsession", "customer-centric"),
        "critical thinking": (),
        "presentation skills": ("presenting", "public speaking"),
        "conflict resolution": (),
        "product thinking": ("product sense", "product mindset"),
    },
}

_BEFORE = r"(?<![\w+#.])"
_AFTER = r"(?![\w+#])"
# Single letters ("C", "R") need stricter edges: not "C-level", "R&D", "Objective-C".
_BEFORE_LETTER = r"(?<![\w+#\-/.&'])"
_AFTER_LETTER = r"(?![\w+#\-&'])"


@dataclass(frozen=True)
class _Matcher:
    skill: Skill
    pattern: re.Pattern[str]
    # Lower-case fragments of which at least one must occur for the pattern to match: a
    # cheap substring test that spares most regex scans of a long description.
    needles: tuple[str, ...]

    def count(self, text: str, lowered: str) -> int:
        if not any(needle in lowered for needle in self.needles):
            return 0
        return len(self.pattern.findall(text))


# Everyday phrases that start with a skill's exact-case alias ("Go ahead and apply").
_NOT_FOLLOWED_BY = {
    "Go": r"(?!\s+(?:ahead|to|live|beyond|above|further|through|back|out|over|get|for\s+it)\b)",
}


def _alias_pattern(alias: str, *, exact: bool) -> str:
    body = re.escape(alias) + _NOT_FOLLOWED_BY.get(alias, "") if exact else re.escape(alias)
    # A space in an alias also matches a hyphen or several spaces ("end to end", "end-to-end").
    body = body.replace(r"\ ", r"[\s-]+")
    if len(alias) == 1:
        return f"{_BEFORE_LETTER}{body}{_AFTER_LETTER}"
    before = "" if alias[0] in ".#" else _BEFORE
    return f"{before}{body}{_AFTER}" if exact else f"(?i:{before}{body}{_AFTER})"


@cache
def known_names() -> frozenset[str]:
    """Every name and alias of a technical skill, lower case ("postgres" for PostgreSQL)."""
    return frozenset(
        alias.lstrip("=").lower()
        for category, entries in _VOCABULARY.items()
        if category != SOFT
        for name, aliases in entries.items()
        for alias in (name, *aliases)
    )


def _matchers() -> tuple[_Matcher, ...]:
    matchers = []
    for category, entries in _VOCABULARY.items():
        for name, aliases in entries.items():
            exact = [a[1:] for a in aliases if a.startswith("=")]
            loose = [a for a in aliases if not a.startswith("=")]
            if name not in exact:
                loose.append(name)
            parts = [_alias_pattern(a, exact=True) for a in exact]
            parts += [_alias_pattern(a, exact=False) for a in loose]
            needles = tuple({a.split(" ")[0].lower() for a in [*exact, *loose]})
            matchers.append(_Matcher(Skill(name, category), re.compile("|".join(parts)), needles))
    return tuple(matchers)


def vocabulary() -> list[Skill]:
    """Every skill the extractor knows."""
    return [m.skill for m in _matchers()]


# Front-end skills that are not a UI framework (for questions about components and views).
STYLING_AND_TOOLING = frozenset(
    {
        "HTML",
        "CSS",
        "Sass",
        "Tailwind CSS",
        "Bootstrap",
        "Material UI",
        "styled-components",
        "Webpack",
        "Vite",
        "Babel",
        "esbuild",
        "Storybook",
        "Figma",
        "Design systems",
        "WebGL",
        "WebAssembly",
    }
)

# Languages nobody writes a service or a long-running process in.
NOT_A_SERVICE_LANGUAGE = frozenset(
    {"SQL", "Bash", "PowerShell", "Verilog", "VHDL", "Assembly", "Solidity", "MATLAB"}
)

# Names that contain another skill's alias: "React Native" is not a React mention.
_CONTAINED_IN = {
    "React": ("React Native", "Testing Library"),
    ".NET": ("ASP.NET",),
    "SQL": ("Apache Spark",),
}


def extract_skills(title: str, text: str) -> list[Skill]:
    """The skills mentioned in a job's title and description, most relevant first.

    Relevance: mentions in the title count three times, then the number of mentions in the
    text, then which appears first."""
    by_name = {m.skill.name: m for m in _matchers()}
    scored: list[tuple[int, int, Skill]] = []
    lowered = text.lower()
    for matcher in _matchers():
        job_title, job_text = title, text
        for container in _CONTAINED_IN.get(matcher.skill.name, ()):
            job_title = _blank(by_name[container].pattern, job_title)
            job_text = _blank(by_name[container].pattern, job_text)
        in_title = matcher.count(job_title, job_title.lower())
        in_text = matcher.count(job_text, lowered if job_text is text else job_text.lower())
        if not in_title and not in_text:
            continue
        first = matcher.pattern.search(f"{job_title}\n{job_text}")
        position = first.start() if first else len(job_title) + len(job_text)
        scored.append((3 * in_title + in_text, position, matcher.skill))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [skill for _, _, skill in scored]


def _blank(pattern: re.Pattern[str], text: str) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)
