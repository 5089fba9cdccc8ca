"""What a good answer contains for the system design, problem solving and role templates, and for
the questions asked about a job without known skills (``question_generation._SYSTEM_DESIGN``,
``_PROBLEM_SOLVING``, ``_ROLE_SPECIFIC``, ``_NO_SKILL``): placeholders ({db}, {msg}, {svc},
{title}, …) name the same skills as the question."""

from __future__ import annotations

from backend.services.pipeline.question_guides.guide import Guide

OPEN_QUESTIONS: dict[str, Guide] = {
    "Design a service in {lang} that ingests events from {msg} and stores them in {db}. How do "
    "you handle duplicates, back-pressure and a {db} outage?": (
        (
            "The {lang} service consumes events from {msg} and writes them to {db} with an "
            "idempotent upsert keyed by the event id, so duplicates have no effect.",
            "It commits the {msg} offset or acknowledges the message only after the write to {db} "
            "succeeds.",
            "For back-pressure it limits in-flight work and batch size, and lets {msg} buffer the "
            "backlog instead of holding it in memory.",
            "During a {db} outage it retries with exponential backoff, pauses consumption, and "
            "sends poison messages to a dead letter queue.",
        ),
        (
            "Committing the {msg} offset before writing to {db} makes the service safe.",
            "The service should keep consuming during a {db} outage and hold the events in memory "
            "until it recovers.",
        ),
    ),
    "Sketch the architecture of a multi-tenant API built with {svc} and {db}. How does it scale"
    " to ten times today's traffic, and what breaks first?": (
        (
            "Every request carries a tenant id, and every query in {db} is scoped by it, for "
            "example with row-level security or a tenant column in each key.",
            "The {svc} API is stateless, so it scales horizontally behind a load balancer, with "
            "connection pooling to {db}.",
            "At ten times the traffic {db} usually breaks first, so add read replicas and caching,"
            " and shard or partition by tenant.",
            "Per-tenant rate limits and quotas stop one noisy tenant from hurting the others.",
        ),
        (
            "Adding more API servers alone handles ten times the traffic, because the database "
            "scales by itself.",
            "A separate database server for every tenant is always the best design for a "
            "multi-tenant API.",
        ),
    ),
    "Design the data model and access patterns in {db} for a feature with heavy reads and "
    "occasional bulk writes. Where would you add caching, and how do you keep it consistent?": (
        (
            "I design the {db} data model around the read queries, denormalizing or precomputing "
            "what is read most, with indexes for the main access patterns.",
            "I put a cache such as Redis in front of the heavy reads, using cache-aside with a "
            "TTL.",
            "Bulk writes run in batches and invalidate or refresh the affected cache keys "
            "afterwards, so readers do not see stale data for long.",
        ),
        (
            "A cache stays consistent with {db} by itself, so no invalidation is needed.",
            "Bulk writes should go through the cache first, and the database is updated later.",
        ),
    ),
    "Design the front-end architecture for a large {ui} application shared by several teams: "
    "state, routing, code splitting and a shared design system.": (
        (
            "The {ui} application is split into feature modules owned by teams, with clear "
            "boundaries and shared contracts.",
            "Server data lives in a data-fetching cache, and only truly global UI state goes into "
            "a shared store.",
            "Routes are lazy-loaded with code splitting, so each page loads only its own code.",
            "A versioned shared design system library of components and tokens keeps the UI "
            "consistent across teams.",
        ),
        (
            "All teams should put every piece of state into one global store.",
            "Shipping the whole {ui} application as one bundle keeps it fast.",
        ),
    ),
    "Design a batch and streaming data platform using {data} and {skill2}. How do you handle "
    "late data, backfills and schema changes?": (
        (
            "The platform uses {data} for batch and {skill2} for streaming, or a shared storage "
            "layer such as a lakehouse that both read and write.",
            "Late data is handled with event time, watermarks and windows that allow lateness, "
            "then corrections in a later batch.",
            "Backfills re-run idempotent jobs for a date range, overwriting partitions.",
            "Schema changes go through a schema registry or data contracts with "
            "backward-compatible evolution.",
        ),
        (
            "Processing time is as good as event time for handling late data.",
            "Backfills can simply append the reprocessed data to the existing tables.",
        ),
    ),
    "Design a deployment platform on {cloud} for fifty services. How do you handle rollouts, "
    "rollbacks, secrets and observability with {ops}?": (
        (
            "All fifty services deploy on {cloud} through one standard pipeline, with "
            "infrastructure as code and {ops}.",
            "Rollouts are gradual, such as canary or blue-green, with automatic rollback when "
            "error rates or latency get worse.",
            "Secrets come from a managed secret store with per-service access, never from images "
            "or the repository.",
            "Observability is standard for every service: metrics, structured logs, traces and "
            "alerts on service-level objectives.",
        ),
        (
            "Deploying all fifty services at once keeps them consistent and is safest.",
            "Rolling back by hand is fast enough, so automated rollback is not needed.",
        ),
    ),
    "Design a system that puts a component built with {ml} in front of live traffic. How do you"
    " handle latency, versioning and fallbacks?": (
        (
            "The {ml} component is served behind an API with a latency budget, a timeout, and "
            "caching or batching where possible.",
            "Model versions are tracked in a registry and rolled out with shadow traffic or "
            "canaries, so a bad version can be rolled back.",
            "When the {ml} component is slow or fails, the system falls back to a simpler rule or "
            "a cached answer.",
            "Its latency, errors and prediction quality are monitored in production.",
        ),
        (
            "The {ml} component should be called without a timeout so that every request gets a "
            "prediction.",
            "A new model version can replace the old one for all traffic at once if it scored "
            "better offline.",
        ),
    ),
    "How would you split a monolith written in {svc} into services? What would you extract "
    "first, and how would {skill2} fit in?": (
        (
            "I split the {svc} monolith gradually with the strangler pattern, routing one piece of"
            " functionality at a time to a new service.",
            "I extract first a part with clear boundaries, its own data and high value, such as a "
            "bounded context that changes often.",
            "Each new service owns its data, and {skill2} fits as a boundary such as an event "
            "stream or a separate store between the services.",
        ),
        (
            "Rewriting the whole {svc} monolith as services in one big release is the fastest and "
            "safest way.",
            "The new services can keep sharing the monolith's database tables directly.",
        ),
    ),
    "Design a notification system with {msg} that sends email and SMS reminders on a schedule. "
    "How do you avoid sending the same message twice?": (
        (
            "A scheduler finds reminders that are due and publishes them to {msg}, and workers "
            "send the email or SMS through providers.",
            "Each reminder has a unique id, and the worker records it as sent, so a redelivered "
            "message is not sent twice.",
            "Retries use backoff and go to a dead letter queue, and the provider's idempotency "
            "keys are used where they exist.",
        ),
        (
            "{msg} delivers each message exactly once, so duplicates cannot happen.",
            "Sending the message before recording it as sent prevents duplicates.",
        ),
    ),
    "Design the sync and offline storage for a {mobile} app used by field workers with poor "
    "connectivity.": (
        (
            "The {mobile} app keeps a local database on the device as the source of truth, so "
            "field workers can work fully offline.",
            "Changes are queued locally and synced in the background when a connection is "
            "available, with retries.",
            "Conflicts are resolved with a clear rule, such as versions or timestamps per record, "
            "or merging fields.",
            "Sync is incremental, sending only changes since the last sync to save data and "
            "battery.",
        ),
        (
            "The {mobile} app should show an error and block work whenever there is no connection.",
            "The last write always wins without any versioning, which loses no data.",
        ),
    ),
    "A {svc} service you own starts timing out after a deploy, but only for some users. Walk me"
    " through how you investigate.": (
        (
            "First I check what the deploy changed and compare error rates and latency for the "
            "affected users with everyone else.",
            "I look for what the affected users share, such as region, tenant, app version or a "
            "feature flag, using logs and traces.",
            "I narrow it down with traces of a slow request, and I roll back the deploy if the "
            "impact is serious while I investigate.",
            "I confirm the cause, fix it, and add a test or an alert for it.",
        ),
        (
            "I restart the {svc} servers, and if the timeouts stop the problem is solved.",
            "Since only some users are affected, it must be their network, so nothing needs to "
            "change.",
        ),
    ),
    "A nightly job that writes to {db} has doubled in runtime over a month. How do you find out"
    " why?": (
        (
            "I compare the job's runtime with data volume over the month to see whether the "
            "slowdown follows data growth.",
            "I time each step of the job and look at the slowest queries in {db} with their query "
            "plans.",
            "Common causes are a missing index, table bloat, lock contention or a query that scans"
            " all data instead of new data.",
            "I fix the cause, such as adding an index or processing only new data, and track the "
            "runtime afterwards.",
        ),
        (
            "I schedule the job earlier so that it still finishes in time.",
            "A bigger database server is the first fix for a job that got slower.",
        ),
    ),
    "Consumers reading from {msg} are falling behind. How do you find the bottleneck, and what "
    "would you try first?": (
        (
            "I measure consumer lag per partition or queue, processing time per message and the "
            "consumers' CPU and I/O.",
            "I find where the time goes, such as a slow downstream call, a database write or one "
            "hot partition.",
            "I first fix the bottleneck, for example with batching, more consumers up to the "
            "number of partitions, or a faster downstream call.",
        ),
        (
            "Adding more consumers always fixes lag, however many partitions there are.",
            "Skipping the backlog of messages is a good first step.",
        ),
    ),
    "Users report that a {fe} page feels slow on older phones. How do you find the cause and "
    "what would you try first?": (
        (
            "I reproduce the problem on a real older phone or with CPU throttling, and record a "
            "performance profile.",
            "I look for long JavaScript tasks, large bundles, heavy images and unnecessary "
            "re-renders in the {fe} page.",
            "I try the biggest measured cost first, such as code splitting, smaller images or less"
            " work per render, and measure again.",
        ),
        (
            "The page is slow because the users' phones are old, so nothing can be done.",
            "Testing on my fast laptop shows whether the page is fast enough.",
        ),
    ),
    "You are given a task in {skill} that you do not know how to do yet. How do you break it "
    "down, and when do you ask for help?": (
        (
            "I break the {skill} task into small steps and start with a small working example.",
            "I research the task myself first, in the {skill} documentation and the existing "
            "codebase.",
            "I ask for help after a set time-box, such as an hour stuck, with a clear question "
            "that shows what I have tried.",
        ),
        (
            "I wait until I have solved the whole task alone, because asking for help looks weak.",
            "I ask for help straight away, before trying anything myself.",
        ),
    ),
    "A test that touches {skill} fails about one run in twenty on CI. How do you track it down?": (
        (
            "I reproduce the flaky {skill} test by running it many times in a loop and collecting "
            "logs from the failing runs.",
            "Common causes are timing and waits, test order and shared state, randomness, time "
            "zones and external services.",
            "I fix the root cause, such as waiting for a condition instead of a fixed sleep or "
            "isolating test data, and run it many times again.",
        ),
        (
            "I add a retry so the test passes on CI.",
            "Adding a longer sleep is the proper fix for a flaky test.",
        ),
    ),
    "Memory use of a {svc} process grows slowly until it is restarted. How do you find the leak?": (
        (
            "I confirm the leak by tracking the {svc} process's memory over time under steady "
            "load.",
            "I take heap snapshots or dumps at two points and compare them to see which objects "
            "keep growing.",
            "Common causes are caches without limits, listeners or references that are never "
            "released, and unbounded queues.",
            "I fix the cause, then check that memory stays flat under the same load.",
        ),
        (
            "Restarting the {svc} process every night is the fix for a memory leak.",
            "A garbage collected language cannot leak memory.",
        ),
    ),
    "A {data} job produced wrong numbers in yesterday's report. How do you find what went wrong"
    " and repair the data?": (
        (
            "I compare the wrong numbers with the source data and find the first step of the "
            "{data} job where they go wrong.",
            "I check what changed recently, such as the code, the input data, a schema or late and"
            " duplicate data.",
            "I fix the cause, re-run the job for the affected dates idempotently, and tell the "
            "report's users what was wrong.",
            "I add a data quality check so the same error is caught before it reaches a report.",
        ),
        (
            "I correct the numbers in the report by hand and move on.",
            "The source data is always right, so the job's code must be the problem.",
        ),
    ),
    "Something you shipped that relies on {ml} performs well offline but poorly in production. "
    "How do you find out why?": (
        (
            "I compare the production input data with the training data to look for distribution "
            "shift or drift.",
            "I check for training and serving skew, such as features computed differently online "
            "than offline, and for leakage in the offline evaluation.",
            "I log production inputs and predictions, label a sample, and measure quality on real "
            "traffic.",
        ),
        (
            "If the {ml} component is good offline, it must be good in production, so the users "
            "are wrong.",
            "Retraining the same model on the same data fixes the production problem.",
        ),
    ),
    "A release of your {mobile} app crashes on start for a small share of users. What do you do"
    " in the first hour?": (
        (
            "In the first hour I check the crash reports to find the stack trace and what the "
            "affected users share, such as OS version or device.",
            "I stop the damage by halting the staged rollout or turning off the feature flag.",
            "I reproduce the crash on a matching device, ship a fix through an expedited release, "
            "and tell support what to say to users.",
        ),
        (
            "I wait for more user reports before doing anything because only a few users are "
            "affected.",
            "I tell the affected users to reinstall the {mobile} app, which fixes it.",
        ),
    ),
    "How would you design idempotent, versioned endpoints for a public API built with {svc}?": (
        (
            "Endpoints that create or change data accept an idempotency key, and the {svc} API "
            "stores the result so a retried request returns it instead of acting twice.",
            "GET, PUT and DELETE are idempotent by design, and POST needs the idempotency key.",
            "The API is versioned, for example in the URL or a header, and only "
            "backward-compatible changes go into a version.",
            "Old versions are deprecated with notice and a sunset date before removal.",
        ),
        (
            "POST requests are idempotent by default, so retries cannot create duplicates.",
            "Breaking changes are fine without a new version if clients are told.",
        ),
    ),
    "How do you handle authentication, authorisation and rate limiting in a {svc} API?": (
        (
            "Authentication checks who the caller is, for example with OAuth2 or signed tokens, "
            "validated on every request in the {svc} API.",
            "Authorisation checks on the server what that caller may do with each resource, such "
            "as roles or ownership.",
            "Rate limiting per client or key, for example with a token bucket in Redis, returns "
            "429 with a retry time.",
        ),
        (
            "Hiding a button in the front end is enough authorisation.",
            "Authentication and authorisation are the same check.",
        ),
    ),
    "How do you keep data in {db} consistent when a request updates several records and one "
    "step fails?": (
        (
            "I wrap the updates to {db} in one transaction, so they all commit or all roll back.",
            "When a step calls another service, I use an outbox written in the same transaction, "
            "or a saga with compensating actions.",
            "Constraints in {db}, such as foreign keys and unique keys, protect consistency, and "
            "retried steps are idempotent.",
        ),
        (
            "Updating the records one by one without a transaction is fine, because failures are "
            "rare.",
            "A failed step can leave the other records changed, and someone fixes the data by hand"
            " later.",
        ),
    ),
    "How do you make a {ui} component accessible to keyboard and screen-reader users?": (
        (
            "The {ui} component uses native elements like button and input where possible, so "
            "keyboard and screen readers work by default.",
            "Every interactive element is reachable with Tab, has a visible focus and works with "
            "Enter or Space.",
            "Custom widgets have the right ARIA roles, names and states, and labels are tied to "
            "their inputs.",
            "I test with a screen reader, keyboard only, and automated checks such as axe.",
        ),
        (
            "Adding ARIA attributes to a div makes it as accessible as a native button.",
            "Accessibility only matters for a small group of users, so it can wait.",
        ),
    ),
    "How do you keep a {fe} UI consistent across browsers and screen sizes, and how do you test"
    " that?": (
        (
            "I use CSS that is widely supported or polyfilled, with a browserslist and "
            "autoprefixer for the {fe} build.",
            "A design system of shared {fe} components and tokens keeps the UI consistent.",
            "I test on real browsers and screen sizes with cross-browser end-to-end tests and "
            "visual regression tests.",
        ),
        (
            "Testing in one browser is enough, because all modern browsers render the same.",
            "A fixed-width layout looks the same on every screen size.",
        ),
    ),
    "How do you handle loading, empty and error states when a {ui} view fetches data?": (
        (
            "The {ui} view models loading, empty, error and success as separate states, for "
            "example with a status field.",
            "While loading it shows a skeleton or spinner, and an empty result shows a helpful "
            "message with a next step.",
            "An error shows a clear message with a retry, and stale or cancelled requests are "
            "ignored.",
        ),
        (
            "Showing nothing until the data arrives is fine.",
            "Errors can be logged to the console without telling the user.",
        ),
    ),
    "Walk me through a feature you built end to end with {ui} and {svc}. Where did the contract"
    " between front end and back end live?": (
        (
            "I built a feature end to end with {ui} and {svc}, and I describe the front end, the "
            "back-end endpoints and the data.",
            "The contract between front end and back end lived in a shared API schema, such as "
            "OpenAPI or GraphQL, with types generated from it.",
            "Changes to the contract were backward-compatible and checked by contract or "
            "integration tests.",
        ),
        (
            "The front end and back end do not need a written contract if the same team builds "
            "both.",
            "The back end can change a response shape whenever it likes, and the front end adapts "
            "later.",
        ),
    ),
    "How do you decide whether logic belongs in the {ui} front end or in the back end?": (
        (
            "Business rules, security checks and validation that must be trusted belong in the "
            "back end, because the front end can be bypassed.",
            "The {ui} front end handles presentation, interaction and quick validation for "
            "feedback, repeating checks that the back end enforces.",
            "I decide by who owns the data, how many clients need the logic, and latency.",
        ),
        (
            "Validating input only in the {ui} front end is enough.",
            "All logic should move to the front end to reduce server load.",
        ),
    ),
    "How do you release a {mobile} app update safely, and how do you support users who stay on "
    "old versions?": (
        (
            "I release a {mobile} update with a staged rollout and feature flags, watching crash "
            "rates before going to everyone.",
            "The back-end API stays backward compatible, so older app versions keep working.",
            "For versions that are too old, the app shows a soft or forced upgrade prompt based on"
            " a minimum supported version.",
        ),
        (
            "Every user updates the {mobile} app right away, so old versions do not need support.",
            "Changing the API response shape is safe once the new app version is released.",
        ),
    ),
    "How do you test a {mobile} app across devices and operating system versions?": (
        (
            "I run unit tests and automated UI tests of the {mobile} app on emulators in CI.",
            "I test on a device matrix of real devices, for example in a device farm, chosen from "
            "the OS versions and devices users actually have.",
            "I use beta testers and crash reporting to catch problems on devices that were not "
            "tested.",
        ),
        (
            "Testing on my own phone is enough for all devices.",
            "Emulators behave exactly like real devices, so real devices are not needed.",
        ),
    ),
    "How do you check data quality in a pipeline built with {data}, and what happens when a "
    "check fails?": (
        (
            "I check data quality in the {data} pipeline with checks on schema, nulls, uniqueness,"
            " ranges, freshness and row counts.",
            "The checks run as steps inside the pipeline, for example with dbt tests or Great "
            "Expectations.",
            "When a check fails, the pipeline stops or quarantines the bad data before it reaches "
            "users, and alerts the owner.",
        ),
        (
            "If the {data} pipeline ran without errors, the data is correct.",
            "Failed checks should only log a warning while the data is still published.",
        ),
    ),
    "How do you model data in {data} so that analysts can trust and reuse it?": (
        (
            "I model data in {data} in clear layers, such as staging, cleaned and business-facing "
            "marts, for example as a star schema with facts and dimensions.",
            "Each table has a clear grain, documented column definitions and one agreed definition"
            " for each metric.",
            "Models are tested and versioned, so analysts can trust and reuse them instead of "
            "writing their own.",
        ),
        (
            "Analysts should query the raw source tables directly, because modelling hides data.",
            "Each analyst should define metrics in their own way for flexibility.",
        ),
    ),
    "How do you monitor what you built with {ml} in production for drift or degraded quality?": (
        (
            "I monitor input data drift by comparing feature distributions in production with the "
            "training data.",
            "I track prediction quality against labels as they arrive, and proxy metrics such as "
            "prediction distribution before labels exist.",
            "Alerts on drift or quality drops trigger investigation and retraining, with a "
            "dashboard for the {ml} component.",
        ),
        (
            "Once the {ml} component is deployed, its quality stays the same, so it does not need "
            "monitoring.",
            "Monitoring uptime and latency is enough to catch degraded quality.",
        ),
    ),
    "How do you decide whether a problem needs {ml} at all, or whether a simpler approach would"
    " do?": (
        (
            "I first check whether rules, heuristics or a simple statistical baseline solve the "
            "problem well enough.",
            "{ml} is worth it when the patterns are too complex for rules and there is enough good"
            " labelled data.",
            "I weigh the cost of building and maintaining {ml}, including data, monitoring and "
            "explainability, against the gain over the baseline.",
        ),
        (
            "Every problem with data should be solved with {ml}.",
            "A simple rule-based baseline is never worth trying first.",
        ),
    ),
    "How do you roll out a risky change with {ops} and roll it back quickly if the metrics "
    "degrade?": (
        (
            "I roll out the risky change gradually with {ops}, such as a canary or a percentage "
            "rollout behind a feature flag.",
            "I define the metrics that decide success, such as error rate and latency, before the "
            "rollout.",
            "Rollback is automated, or a single command, and triggers when those metrics degrade.",
        ),
        (
            "Releasing the change to everyone at once is fine if it passed the tests.",
            "Rollback can be worked out when it is needed.",
        ),
    ),
    "How do you design alerts with {ops} so that on-call engineers are paged for what matters "
    "and nothing else?": (
        (
            "I alert with {ops} on symptoms users feel, such as error rate and latency against "
            "service-level objectives, not on every cause.",
            "Each page is actionable, urgent and has a runbook; anything not urgent goes to a "
            "ticket.",
            "I review alerts regularly and remove or tune noisy ones.",
        ),
        (
            "Every warning and every CPU spike should page the on-call engineer.",
            "More alerts always make a system safer.",
        ),
    ),
    "How do you choose what to automate with {test} and what to leave to exploratory testing?": (
        (
            "I automate with {test} the stable, repetitive and high-risk checks, such as "
            "regression tests of critical paths.",
            "Exploratory testing covers new features, usability and unexpected behaviour that "
            "scripts would not find.",
            "I decide by risk, how often a check runs, and the cost of maintaining the automated "
            "test.",
        ),
        (
            "Everything should be automated with {test}, so exploratory testing is no longer "
            "needed.",
            "Automated tests find the same bugs that exploratory testing finds.",
        ),
    ),
    "How do you report a bug found while testing {skill} so that a developer can fix it quickly?": (
        (
            "The bug report has a clear title, exact steps to reproduce and the expected and the "
            "actual result.",
            "It includes the environment, such as version, browser or device, with logs, "
            "screenshots or a recording.",
            "It states severity and impact and isolates the smallest case that reproduces the bug "
            "in {skill}.",
        ),
        (
            "Saying that a feature does not work is enough for a developer to fix it.",
            "Reporting the bug in a chat message without steps is quicker and just as good.",
        ),
    ),
    "How do you threat-model a new feature built with {skill}?": (
        (
            "I threat-model a {skill} feature by drawing its data flows, trust boundaries and the "
            "assets worth protecting.",
            "I list threats systematically, for example with STRIDE, such as spoofing, tampering "
            "and information disclosure.",
            "I rank threats by likelihood and impact, and plan mitigations and tests for the "
            "highest risks.",
        ),
        (
            "Threat modelling can wait until after the feature is released.",
            "Using HTTPS makes a feature secure, so no threat model is needed.",
        ),
    ),
    "How would you respond to a reported vulnerability in a {skill} component?": (
        (
            "I acknowledge the report, then reproduce and assess the vulnerability's severity and "
            "impact in the {skill} component.",
            "I contain it quickly, for example with a patch, a config change or by turning off the"
            " feature, and check logs for exploitation.",
            "I release the fix, tell affected users and the reporter, and run a post-mortem to "
            "prevent similar issues.",
        ),
        (
            "I ignore the report until it is confirmed that someone exploited it.",
            "I announce the vulnerability's details publicly before a fix is available.",
        ),
    ),
    "What would you focus on in your first ninety days in this role, and how would your {skill}"
    " experience help?": (
        (
            "In my first ninety days I would learn the product, the codebase and the people, and "
            "ship a small change early.",
            "I would use my {skill} experience on a concrete problem of the role, and I name it.",
            "By ninety days I would own a piece of work and deliver measurable results agreed with"
            " my manager.",
        ),
        (
            "In my first weeks I would rewrite the existing {skill} code the way I prefer.",
            "I would wait to be told what to do for the first three months.",
        ),
    ),
    "How do you keep your {skill} knowledge current, and what have you learned recently that "
    "changed how you work?": (
        (
            "I keep my {skill} knowledge current through specific sources, such as release notes, "
            "documentation and building side projects.",
            "I name something specific about {skill} that I learned recently.",
            "I explain how that changed how I work, with an example from my work.",
        ),
        (
            "I do not need to keep learning {skill}, because I already know it well.",
            "I read about everything new, without naming anything I learned.",
        ),
    ),
    "Which tools and technologies would you choose for the work of a {title}, and why?": (
        (
            "As a {title} I would choose specific tools, and I name them.",
            "I explain why each tool fits the work of a {title}, such as reliability, cost and "
            "team experience.",
            "I name the trade-offs of those tools and when I would choose something else.",
        ),
        (
            "The newest and most popular tools are always the right choice.",
            "The tools do not matter for the work of a {title}.",
        ),
    ),
    "Walk me through the most relevant piece of work you have done for a {title} role. What was"
    " hard about it?": (
        (
            "The most relevant work I did for a {title} role was a specific project, and I "
            "describe it.",
            "My own part of that work was specific things I did myself.",
            "The hard part of that work was a specific problem, and I explain how I solved it.",
            "The work had a measurable result.",
        ),
        (
            "The team did it together, so I cannot say what my part was.",
            "Nothing about the work was hard.",
        ),
    ),
    "Describe a difficult problem you solved that a {title} would face. How did you approach it?": (
        (
            "A difficult problem I solved as a {title} was a specific situation, and I describe "
            "it.",
            "I approached the problem step by step: I gathered facts, found the cause and compared"
            " options.",
            "The solution worked, and I give a measurable result.",
        ),
        (
            "I do not really face difficult problems in this work.",
            "Someone else solved it, and I helped a little.",
        ),
    ),
    "What does great work look like for a {title} in the first ninety days?": (
        (
            "Great work for a {title} in the first ninety days means learning the product, the "
            "team and the goals quickly.",
            "It means delivering a concrete early result for the team.",
            "It means building trust with colleagues and agreeing on clear goals with the manager.",
        ),
        (
            "Great work in the first ninety days is changing everything that exists.",
            "Nothing is expected of a new {title} in the first ninety days.",
        ),
    ),
    "How would you plan and structure a large project as a {title}, from first sketch to "
    "delivery?": (
        (
            "As a {title} I would start a large project by clarifying its goals, scope and "
            "constraints with stakeholders.",
            "I would break the project into milestones with owners and deliver it in small, "
            "reviewable steps.",
            "I would track risks and progress, and communicate status and changes early.",
        ),
        (
            "A large project should be planned completely up front and then never changed.",
            "Planning is a waste of time; it is better to start building straight away.",
        ),
    ),
}
