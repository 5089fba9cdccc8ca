"""What a good answer contains for the technical templates asked about any skill of a category
(``question_generation._CATEGORY_TECHNICAL``): the {skill} placeholder names the job's skill, as
in the question."""

from __future__ import annotations

from backend.services.pipeline.question_guides.guide import Guide

BY_CATEGORY: dict[str, Guide] = {
    "Which {skill} features or idioms do you rely on to keep code readable? Show one with a "
    "short example.": (
        (
            "In {skill} I rely on a few idioms, such as clear names, small functions and the "
            "language's standard collection helpers, to keep code readable.",
            "I show one {skill} idiom with a short concrete example and say why it reads better "
            "than the alternative.",
            "I follow the {skill} community style guide and enforce it with a formatter and a "
            "linter.",
        ),
        (
            "Clever one-line tricks in {skill} make code more readable because there is less of "
            "it.",
            "Readability is a matter of taste, so no idiom is better than another.",
        ),
    ),
    "How do you handle errors in {skill}? Compare two approaches you have used and when each "
    "fits.": (
        (
            "In {skill} I compare two error handling approaches, such as exceptions and returned "
            "error values or result types.",
            "Expected failures, like invalid input, are handled where they happen, and unexpected "
            "errors propagate to one place that logs them.",
            "Errors in {skill} keep their context and original cause, and are never silently "
            "swallowed.",
        ),
        (
            "Catching every error in {skill} and ignoring it keeps the program running, which is "
            "the safest option.",
            "Error handling only matters for code that talks to the network.",
        ),
    ),
    "What tools do you use to test and lint {skill} code, and what does a good unit test look "
    "like to you?": (
        (
            "I test {skill} code with its standard test framework and run a linter and a formatter"
            " in CI.",
            "A good unit test checks one behaviour, is fast and deterministic, and has a name that"
            " says what it expects.",
            "A good test covers edge cases and failure paths, not only the happy path.",
        ),
        (
            "A high coverage percentage alone proves that the {skill} code is correct.",
            "Unit tests should mock every dependency, including simple functions.",
        ),
    ),
    "How does concurrency work in {skill}, and what pitfalls have you met?": (
        (
            "I explain the concurrency model of {skill}, such as threads, an event loop or "
            "lightweight tasks, and when each runs in parallel.",
            "Shared mutable state in {skill} needs synchronisation, such as locks, atomics or "
            "message passing.",
            "Pitfalls I have met in {skill} include race conditions, deadlocks and blocking calls "
            "that stall other work.",
        ),
        (
            "Adding concurrency in {skill} always makes code faster.",
            "Code without locks cannot have race conditions.",
        ),
    ),
    "You profile a {skill} service and one function takes most of the CPU time. What are your "
    "next steps?": (
        (
            "First I confirm with the {skill} profiler that the function really dominates under a "
            "realistic load, and I measure a baseline.",
            "Then I look for an algorithmic fix, such as a better data structure, caching or "
            "avoiding repeated work.",
            "After the change I measure again with the same benchmark and add a test so the "
            "behaviour stays correct.",
        ),
        (
            "I rewrite the whole {skill} service in a faster language straight away.",
            "More servers are the first fix for a function that takes most of the CPU time.",
        ),
    ),
    "What problem does {skill} solve well in a front end, and where have you had to work around"
    " it?": (
        (
            "{skill} solves a specific front-end problem well, such as keeping the UI in sync with"
            " state through components.",
            "I describe a real limitation of {skill} that I worked around, and how.",
            "I weigh {skill} against alternatives by bundle size, performance and the team's "
            "experience.",
        ),
        (
            "{skill} solves every front-end problem, so there is nothing to work around.",
            "The choice of front-end framework does not affect performance.",
        ),
    ),
    "How do you structure a {skill} codebase so that components stay reusable and testable?": (
        (
            "I keep {skill} components small, with one responsibility, and separate presentation "
            "from data fetching and business logic.",
            "Components get their data through props or clear interfaces, so they can be reused "
            "and tested in isolation.",
            "I test {skill} components by their behaviour as a user sees it, for example with "
            "Testing Library, not their internals.",
        ),
        (
            "Reusable {skill} components should share global state so they are easier to use.",
            "Testing the internal state of each component is the best way to test a front end.",
        ),
    ),
    "How do you measure and improve the load and interaction performance of a {skill} front end?": (
        (
            "I measure {skill} front-end performance with Lighthouse, the browser performance "
            "panel and Core Web Vitals such as LCP and INP, from real users where possible.",
            "I improve load time with code splitting, lazy loading, smaller bundles and compressed"
            " images.",
            "I improve interaction by reducing re-renders and long tasks on the main thread, then "
            "measure again.",
        ),
        (
            "Front-end performance only depends on the server's response time.",
            "Testing on a fast developer laptop shows what users experience.",
        ),
    ),
    "What does {skill} give you out of the box, and where did you have to extend or work around"
    " it?": (
        (
            "{skill} gives me specific features out of the box, such as routing, request handling,"
            " validation and an ORM, and I name them.",
            "I describe a real case where I had to extend or work around {skill}, such as "
            "middleware or a custom integration.",
            "I extend {skill} through its documented extension points instead of patching its "
            "internals.",
        ),
        (
            "{skill} does everything out of the box, so I never needed to extend it.",
            "Patching the framework's internal code is the normal way to extend it.",
        ),
    ),
    "How do you structure a {skill} service so the business logic is easy to test?": (
        (
            "I keep business logic in plain functions or classes that do not depend on {skill}'s "
            "request objects or the database.",
            "{skill} handlers stay thin: they parse input, call the business logic and format the "
            "response.",
            "Dependencies like the database are injected, so unit tests can run the logic fast, "
            "with integration tests on the real database as well.",
        ),
        (
            "Business logic belongs in the {skill} request handlers, close to the HTTP code.",
            "Only end-to-end tests are worth writing for a {skill} service.",
        ),
    ),
    "How do you handle configuration, logging and errors consistently in a {skill} application?": (
        (
            "Configuration in a {skill} application comes from environment variables or config "
            "files, validated at startup, with secrets kept out of the code.",
            "Logging is structured, with request ids and consistent levels, so a request can be "
            "followed across services.",
            "Errors are handled in one central place that maps them to responses and logs "
            "unexpected ones with their stack traces.",
        ),
        (
            "Every {skill} handler should catch and log its own errors in its own way.",
            "Hard-coding configuration values in the code is fine if they rarely change.",
        ),
    ),
    "How do you handle offline use and slow networks in a {skill} app?": (
        (
            "A {skill} app keeps a local cache or database so it works offline and shows the last "
            "known data.",
            "Changes made offline go into a queue that syncs when the connection returns, with "
            "retries and conflict handling.",
            "On slow networks the {skill} app uses timeouts, shows progress and loading states, "
            "and sends smaller payloads.",
        ),
        (
            "A {skill} app can assume the network is always available.",
            "Retrying failed requests immediately in a loop handles slow networks.",
        ),
    ),
    "How do you find and fix a memory or battery problem in a {skill} app?": (
        (
            "I find memory and battery problems in a {skill} app with profiling tools such as "
            "Android Profiler or Xcode Instruments.",
            "Common causes are leaked references to screens or listeners, large images kept in "
            "memory, and background work or location updates that never stop.",
            "I fix the cause, for example by releasing listeners and batching background work, "
            "then measure again on a real device.",
        ),
        (
            "Memory problems in a {skill} app are fixed by restarting the app more often.",
            "Testing on the simulator is enough to find battery problems.",
        ),
    ),
    "How do you structure state and navigation in a {skill} app?": (
        (
            "In a {skill} app I keep state in a clear layer, such as a view model or a store, with"
            " one source of truth for each piece of data.",
            "Screens read state and send events, and do not change shared state directly.",
            "Navigation is defined in one place, with typed routes and deep links, and state "
            "survives going back and forth.",
        ),
        (
            "Each screen of a {skill} app should keep its own copy of shared data.",
            "Navigation logic should be spread across screens so each decides where to go.",
        ),
    ),
    "How would you design the schema and indexes in {skill} for a feature you built recently? "
    "What trade-offs did you make?": (
        (
            "I design the {skill} schema from the feature's queries, and name the main tables or "
            "collections, keys and relationships.",
            "I add indexes for the most frequent filters and sorts, and check with the query plan "
            "that they are used.",
            "I name a trade-off I made, such as denormalizing for read speed at the cost of more "
            "complex writes.",
        ),
        (
            "Every column in {skill} should get an index, just in case.",
            "Schema design does not matter because hardware is fast enough.",
        ),
    ),
    "How do you change the schema or data layout in {skill} without downtime?": (
        (
            "I change a {skill} schema in backward-compatible steps: add the new structure, write "
            "to both, backfill in batches, then switch reads.",
            "Old and new application versions keep working during the deploy, and the old "
            "structure is removed in a later release.",
            "I avoid long locks on large tables, for example by building indexes online, and I "
            "have a rollback plan.",
        ),
        (
            "The safest way to change a {skill} schema is one big migration while the application "
            "is running.",
            "Schema changes cannot be done without a maintenance window.",
        ),
    ),
    "How do you find out why a query or lookup in {skill} is slow?": (
        (
            "I find the slow query in {skill} from slow query logs or statistics, and reproduce it"
            " with real data sizes.",
            "I read the {skill} query plan to see full scans, missing indexes or bad row "
            "estimates.",
            "I fix it with an index, a rewritten query or a different data layout, then compare "
            "timings again.",
        ),
        (
            "Adding more memory to the {skill} server is always the first fix for a slow query.",
            "A query that is fast on a small test database is fast in production.",
        ),
    ),
    "How do you make consumers of {skill} safe to retry, and how do you handle duplicate or "
    "out-of-order messages?": (
        (
            "With {skill} a message can be delivered more than once, so consumers must be "
            "idempotent, for example by storing processed message ids.",
            "Acknowledge or commit a message only after processing succeeds, and send messages "
            "that keep failing to a dead letter queue.",
            "For ordering, use a key or partition per entity, or check versions and timestamps to "
            "ignore out-of-order updates.",
        ),
        (
            "{skill} guarantees each message is delivered exactly once, so duplicates cannot "
            "happen.",
            "Acknowledging a message before processing it makes retries safe.",
        ),
    ),
    "What would you monitor in a system built on {skill}, and what would make you page someone?": (
        (
            "For {skill} I monitor consumer lag or queue depth, processing rate and error rate.",
            "I also watch the health of the {skill} brokers, such as disk, memory and unavailable "
            "partitions or nodes.",
            "I page someone only for user impact, such as lag growing for many minutes or messages"
            " being lost, and send the rest to a ticket.",
        ),
        (
            "Every warning from {skill} should page the on-call engineer.",
            "If the service is up, the messaging system needs no monitoring.",
        ),
    ),
    "Which {skill} services would you use to run a web API with a database, and how would you "
    "control cost?": (
        (
            "On {skill} I would run the API on managed containers or serverless functions behind a"
            " load balancer, with a managed database.",
            "I control cost on {skill} with right-sizing, autoscaling, reserved or committed-use "
            "pricing, and budgets with alerts.",
            "I tag resources and review the bill regularly, watching data transfer costs.",
        ),
        (
            "Running everything on the largest {skill} instances is the cheapest option in the "
            "long run.",
            "Managed services on {skill} are always more expensive than running your own servers.",
        ),
    ),
    "How do you manage access and secrets on {skill}?": (
        (
            "On {skill} each service gets its own identity or role with least-privilege "
            "permissions.",
            "Secrets live in the {skill} secret manager, encrypted and fetched at run time, never "
            "in code or images.",
            "I prefer short-lived credentials over long-lived keys, rotate secrets, and audit "
            "access logs.",
        ),
        (
            "Sharing one administrator account between services on {skill} keeps things simple and"
            " safe.",
            "Storing secrets in the repository is fine if the repository is private.",
        ),
    ),
    "How have you used {skill} in a delivery pipeline? Describe something that broke and how "
    "you fixed it.": (
        (
            "I used {skill} in a delivery pipeline for specific steps, such as building, testing "
            "and deploying.",
            "Something broke in the {skill} pipeline, and I describe what it was and how I found "
            "the cause.",
            "I fixed it and changed the pipeline so it would not happen again, for example with a "
            "check, pinned versions or a rollback step.",
        ),
        (
            "When a {skill} pipeline breaks, the fix is to rerun it until it passes.",
            "A delivery pipeline does not need tests if developers test locally.",
        ),
    ),
    "What does a good setup with {skill} look like for a team of ten engineers?": (
        (
            "A good {skill} setup for ten engineers is defined as code, in version control, and "
            "reviewed like code.",
            "It uses shared, documented conventions and templates, so every service is built and "
            "deployed the same way.",
            "It gives fast feedback and safe defaults, with access control, secrets management and"
            " monitoring built in.",
        ),
        (
            "Each engineer should set up {skill} in their own way.",
            "A good {skill} setup is one where one expert does all the changes by hand.",
        ),
    ),
    "How would you build a pipeline with {skill} that can be re-run safely after a failure?": (
        (
            "Each step of the {skill} pipeline is idempotent, so running it twice gives the same "
            "result as running it once.",
            "Write outputs by overwriting a partition or upserting on a key, instead of appending.",
            "Process a fixed input window, such as a date, and checkpoint progress so a re-run "
            "resumes after a failure.",
        ),
        (
            "Appending results on every {skill} run is fine because duplicates can be removed "
            "later.",
            "Using the current time to choose which data to process makes re-runs safe.",
        ),
    ),
    "How do you test and validate data flowing through {skill}?": (
        (
            "I validate data in {skill} with checks on schema, nulls, ranges, uniqueness and row "
            "counts.",
            "Checks run inside the pipeline, and bad data is stopped or quarantined before it "
            "reaches consumers.",
            "I test {skill} transformations with small fixed input data and expected output in "
            "unit tests.",
        ),
        (
            "If the {skill} job finishes without errors, the data is correct.",
            "Data quality can only be checked by looking at dashboards by hand.",
        ),
    ),
    "How do you keep jobs built on {skill} fast and cheap as the data grows?": (
        (
            "I keep {skill} jobs fast by processing only new or changed data incrementally, "
            "instead of everything each time.",
            "I partition data and prune what each job reads, and use efficient file formats such "
            "as Parquet.",
            "I monitor job runtime and cost over time, and fix skew and oversized resources.",
        ),
        (
            "Adding more machines is the only way to keep {skill} jobs fast as data grows.",
            "Reprocessing all the data every run is fine because storage is cheap.",
        ),
    ),
    "How do you evaluate work built with {skill} before it reaches production?": (
        (
            "I evaluate {skill} work on held-out data that matches production, with metrics chosen"
            " for the business goal.",
            "I compare against a simple baseline and the current production version.",
            "I check failure cases and important segments, then roll out gradually, for example in"
            " shadow mode or an A/B test.",
        ),
        (
            "A good score on the training data shows the {skill} work is ready for production.",
            "If the average metric improves, no segment can get worse.",
        ),
    ),
    "Walk through a project where you used {skill}. What did the baseline look like, and what "
    "moved the metric most?": (
        (
            "In a {skill} project I set up a simple baseline first and measured it with a clear "
            "metric.",
            "I name the metric and the baseline's score, and compare later versions against it.",
            "I say which change moved the metric most, such as better data, features or labels, "
            "with numbers.",
        ),
        (
            "The most complex {skill} model is always the one that moves the metric most.",
            "A baseline is not needed if you start with a strong model.",
        ),
    ),
    "How do you version data, code and models in work with {skill} so that results can be "
    "reproduced?": (
        (
            "In {skill} work I keep code in git and version datasets with a tool such as DVC or "
            "immutable snapshots.",
            "Each experiment records its code commit, data version, parameters, random seed and "
            "metrics, for example in MLflow.",
            "Models are stored in a registry with the versions of data and code that produced "
            "them, so any result can be rebuilt.",
        ),
        (
            "Saving the final {skill} model file is enough to reproduce a result.",
            "Results are reproducible as long as the code is in git, even if the data changes.",
        ),
    ),
    "How do you decide what to cover with {skill} and what to leave to other kinds of tests?": (
        (
            "I cover with {skill} what it tests best, and leave other risks to other kinds of "
            "tests, following the test pyramid.",
            "Most checks are fast unit tests, with fewer integration tests and only a few "
            "end-to-end tests for critical user journeys.",
            "I decide by risk and cost: what breaks most often, what costs most when it breaks, "
            "and how slow or flaky the test would be.",
        ),
        (
            "Everything should be tested with {skill} end to end, because that is closest to the "
            "user.",
            "Aiming for one hundred percent coverage is the best way to decide what to test.",
        ),
    ),
    "How do you keep a test suite built on {skill} fast and free of flaky tests?": (
        (
            "I keep a {skill} suite fast by running tests in parallel and keeping most tests at "
            "the unit level.",
            "Flaky tests come from timing, shared state or external services, so I wait for "
            "conditions instead of sleeping and isolate test data.",
            "I track flaky tests, quarantine and fix them quickly instead of retrying them "
            "forever.",
        ),
        (
            "Retrying flaky tests automatically until they pass fixes them.",
            "Adding sleep calls is the right way to make {skill} tests stable.",
        ),
    ),
    "How have you applied {skill} in a system you built? What risk did it address?": (
        (
            "I applied {skill} in a specific system I built, and I name the risk it addressed.",
            "I describe what I implemented for {skill}, such as input validation, access control "
            "or encryption.",
            "I verified it worked, for example with tests, a review or a penetration test.",
        ),
        (
            "{skill} is handled by the framework, so I did not need to do anything.",
            "Security work only matters after an incident.",
        ),
    ),
    "What are the most common mistakes teams make with {skill}, and how do you catch them in "
    "review?": (
        (
            "Common mistakes with {skill} include missing input validation, broken access checks "
            "and secrets in code.",
            "I catch them in review with a checklist and by reading the code paths that handle "
            "untrusted input.",
            "Automated checks such as static analysis, dependency scanning and secret scanning run"
            " in CI.",
        ),
        (
            "Code review alone catches all {skill} mistakes, so automated tools are not needed.",
            "Internal services do not need {skill}.",
        ),
    ),
    "How do you apply {skill} in your day-to-day work? Give a concrete example and what it "
    "improved.": (
        (
            "I apply {skill} in my daily work in a concrete way, and I describe what I actually "
            "do.",
            "I give one specific example of using {skill} on a real task.",
            "Using {skill} improved something measurable, such as fewer bugs, faster delivery or "
            "easier changes.",
        ),
        (
            "I always apply {skill} in general, but I have no specific example.",
            "{skill} is a rule you follow, whether or not it helps.",
        ),
    ),
    "When is {skill} not worth the cost? Describe a situation where you argued against it or "
    "scaled it back.": (
        (
            "{skill} is not worth the cost when the effort is larger than the benefit, for example"
            " on short-lived code or a prototype.",
            "I describe a real situation where I argued against {skill} or scaled it back, and my "
            "reasons.",
            "I say what happened afterwards, and how we checked that the decision was right.",
        ),
        (
            "{skill} is always worth the cost, in every situation.",
            "I never questioned {skill}, because the team had decided on it.",
        ),
    ),
}
