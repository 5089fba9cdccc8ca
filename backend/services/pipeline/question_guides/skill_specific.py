"""What a good answer contains for the technical templates written for one named skill
(``question_generation._SKILL_SPECIFIC``): key points as a correct answer states them,
misconceptions as a wrong answer states them."""

from __future__ import annotations

from backend.services.pipeline.question_guides.guide import Guide

SKILL_SPECIFIC: dict[str, Guide] = {
    "When would you use a generator instead of building a list in Python? Show a case "
    "where it made a real difference.": (
        (
            "A generator yields items one at a time on demand instead of building the whole "
            "list in memory.",
            "Use it for large or unbounded data, such as reading a big file line by line, so "
            "memory stays flat.",
            "A generator can be iterated only once and has no length or indexing.",
        ),
        (
            "A generator is faster than a list for everything, so you should always use one.",
            "A generator stores all its values in memory like a list does.",
        ),
    ),
    "How does the GIL affect a CPU-bound Python workload, and what would you do to use all "
    "cores?": (
        (
            "The GIL lets only one thread run Python bytecode at a time, so threads do not "
            "speed up CPU-bound work.",
            "Use multiple processes, for example multiprocessing or a process pool, to use "
            "all cores for CPU-bound work.",
            "Threads still help for I/O-bound work, because the GIL is released while "
            "waiting on I/O, and native code like NumPy can release it too.",
        ),
        (
            "Adding more threads makes CPU-bound Python code run in parallel on all cores.",
            "The GIL makes Python code thread-safe, so you never need locks.",
        ),
    ),
    "How does the JavaScript event loop order promise callbacks and setTimeout callbacks? "
    "Give an example where the order surprised you.": (
        (
            "Promise callbacks are microtasks and setTimeout callbacks are tasks.",
            "After the current script, all queued microtasks run before the next task, so a "
            "resolved promise's callback runs before a zero-delay setTimeout.",
            "A long chain of microtasks can delay timers and rendering.",
        ),
        (
            "setTimeout with zero delay runs immediately, before any promise callbacks.",
            "Promises run on a separate thread, in parallel with timers.",
        ),
    ),
    "How do indexes change the way a SQL query runs, and when can an index make things worse?": (
        (
            "An index lets the database find matching rows without scanning the whole table, "
            "speeding up reads that filter or sort on the indexed columns.",
            "Every insert, update and delete must also update the index, so writes get "
            "slower and the index uses disk and memory.",
            "An index on a low-selectivity column or a small table may not be used by the "
            "planner and only adds cost.",
        ),
        (
            "Indexes make every query faster, including inserts and updates, so you should "
            "index every column.",
            "An index has no cost once it is created.",
        ),
    ),
    "When does a React component re-render, and how do you avoid unnecessary re-renders?": (
        (
            "A component re-renders when its state changes, when its parent re-renders, or "
            "when a context it uses changes.",
            "Wrap a component in React.memo and keep props stable with useMemo and "
            "useCallback so it skips renders when its props did not change.",
            "Measure with the React Profiler before optimising, and move state down to the "
            "components that need it.",
        ),
        (
            "A component re-renders only when its own props change.",
            "You should wrap every component and function in memo and useCallback.",
        ),
    ),
    "How do you find and fix N+1 queries in a Django application?": (
        (
            "An N+1 problem is one query for a list and then one more query per item when "
            "related objects are accessed in a loop.",
            "Find it by counting queries, for example with django-debug-toolbar, query "
            "logging or assertNumQueries in tests.",
            "Fix it with select_related for foreign keys and prefetch_related for many-to-many "
            "and reverse relations.",
        ),
        (
            "Adding an index on the foreign key fixes N+1 queries.",
            "Caching the whole page is the right fix for N+1 queries.",
        ),
    ),
    "How do PostgreSQL transaction isolation levels differ, and when have you needed more "
    "than READ COMMITTED?": (
        (
            "READ COMMITTED sees data committed before each statement, so two reads in one "
            "transaction can differ.",
            "REPEATABLE READ gives the whole transaction one snapshot, and SERIALIZABLE also "
            "prevents anomalies like write skew by failing one of the conflicting transactions.",
            "At higher levels the application must retry transactions that fail with a "
            "serialization error.",
        ),
        (
            "READ COMMITTED prevents every concurrency anomaly, so higher levels are never needed.",
            "SERIALIZABLE works by locking the whole table.",
        ),
    ),
    "How do you make a Kafka consumer safe to retry? Which delivery guarantees do you rely "
    "on, and how do you handle duplicates?": (
        (
            "With at-least-once delivery a message can be processed more than once after a "
            "failure or a rebalance.",
            "Make processing idempotent, for example upserting by a unique event id or "
            "recording processed ids, so a duplicate has no extra effect.",
            "Commit the offset only after the message has been processed, or in the same "
            "transaction as the output.",
        ),
        (
            "Kafka guarantees each message is delivered exactly once, so duplicates cannot happen.",
            "Committing the offset before processing makes retries safe.",
        ),
    ),
    "How do you stop a Redis cache from serving stale data, and what happens when Redis is down?": (
        (
            "Set a TTL on cached entries and invalidate or update the key when the underlying "
            "data changes.",
            "When Redis is down the application should fall back to the database, with "
            "timeouts, rather than fail the request.",
            "Protect the database from a stampede of misses, for example with request "
            "coalescing or jittered expiry.",
        ),
        (
            "Redis keeps itself in sync with the database automatically, so the cache is "
            "never stale.",
            "If Redis is down the application cannot serve any requests.",
        ),
    ),
    "What is the difference between a Docker image and a container, and how do volumes fit in?": (
        (
            "An image is a read-only template built from layers; a container is a running "
            "instance of an image with its own writable layer.",
            "Data written inside a container's writable layer is lost when the container is "
            "removed.",
            "Volumes keep data outside the container's lifecycle so it persists and can be shared.",
        ),
        (
            "An image and a container are the same thing.",
            "Files written inside a container are saved back into its image.",
        ),
    ),
    "How do readiness and liveness probes work in Kubernetes, and what happens when they "
    "are wrong?": (
        (
            "A failing readiness probe takes the pod out of the service's endpoints, so it "
            "gets no traffic, without restarting it.",
            "A failing liveness probe makes the kubelet restart the container.",
            "A liveness probe that checks dependencies or is too strict causes restart loops "
            "and cascading failures.",
        ),
        (
            "A failing readiness probe restarts the pod.",
            "Liveness probes should check the database so a pod restarts when the database "
            "is down.",
        ),
    ),
    "How do you make Airflow tasks idempotent so a DAG can be re-run safely after a failure?": (
        (
            "A re-run of a task for the same interval must give the same result as running it "
            "once, with no duplicate rows.",
            "Overwrite the interval's partition or MERGE on a key instead of appending.",
            "Use the run's logical date or data interval instead of the current time.",
        ),
        (
            "Appending rows on each run is fine because duplicates can be removed later.",
            "Using the current time to choose the data makes re-runs safe.",
        ),
    ),
    "What causes a shuffle in Apache Spark, and how do you deal with a skewed join?": (
        (
            "Wide transformations such as joins, groupBy and repartition move data between "
            "executors, which is a shuffle.",
            "A skewed join puts most rows of a hot key on one task, which then runs far "
            "longer than the rest.",
            "Fix skew by broadcasting the small side, salting the hot keys, or enabling "
            "adaptive query execution's skew join handling.",
        ),
        (
            "Map and filter cause shuffles in Spark.",
            "Adding more executors fixes a skewed join.",
        ),
    ),
    "How do you structure a Python codebase with type hints so that a type checker catches real"
    " bugs? Where do you stop adding types?": (
        (
            "Type hints on function signatures and data classes let a checker like mypy or pyright"
            " catch wrong arguments and missing None checks before the code runs.",
            "Run the type checker in CI in strict mode on new code, so errors block a merge.",
            "Stop adding types where they cost more than they catch, such as complex dynamic code,"
            " and use Any or a protocol at those boundaries.",
        ),
        (
            "Type hints are checked by Python at run time, so they stop bad values in production.",
            "Every variable must be annotated, or the type checker is useless.",
        ),
    ),
    "Explain how asyncio schedules coroutines in Python. When does async code make a service "
    "slower instead of faster?": (
        (
            "asyncio runs coroutines on one thread with an event loop, switching only at await "
            "points while a coroutine waits for I/O.",
            "A blocking call or CPU-heavy work inside a coroutine stalls the whole event loop and "
            "every other request.",
            "Async helps with many concurrent I/O waits; for CPU-bound work or few requests it "
            "adds overhead, so use threads or processes instead.",
        ),
        (
            "asyncio runs coroutines in parallel on several CPU cores.",
            "Making code async always makes a service faster.",
        ),
    ),
    "How does garbage collection in Java affect latency, and how have you tuned or worked "
    "around it?": (
        (
            "Garbage collection pauses stop or slow application threads, which shows up as latency"
            " spikes in the tail percentiles.",
            "Choose a low-pause collector such as G1 or ZGC and size the heap so collections are "
            "not too frequent.",
            "Reduce allocation rate, for example by reusing objects and avoiding large temporary "
            "collections, and check GC logs to confirm.",
        ),
        (
            "Java garbage collection has no effect on latency because it runs completely in the "
            "background.",
            "Calling System.gc() often is a good way to avoid long pauses.",
        ),
    ),
    "What is the difference between an interface and an abstract class in Java, and when do you"
    " choose each?": (
        (
            "An interface declares a contract a class can implement, and a class can implement "
            "many interfaces.",
            "An abstract class can hold state, constructors and shared implementation, but a class"
            " can extend only one.",
            "Prefer an interface for a capability shared by unrelated types, and an abstract class"
            " for a base with common code.",
        ),
        (
            "Interfaces cannot have any method bodies at all in modern Java.",
            "An abstract class and an interface are interchangeable, so the choice does not "
            "matter.",
        ),
    ),
    "How do you make shared state safe across threads in Java? Compare synchronized, locks and "
    "the java.util.concurrent classes.": (
        (
            "synchronized gives mutual exclusion and visibility on an object's monitor, so only "
            "one thread at a time runs the guarded code.",
            "Explicit locks like ReentrantLock add try-lock, timeouts and fairness, but must be "
            "released in a finally block.",
            "java.util.concurrent classes such as ConcurrentHashMap, AtomicInteger and executors "
            "avoid hand-written locking for common cases.",
        ),
        (
            "Marking a field volatile makes compound operations like count++ thread-safe.",
            "HashMap is safe to share between threads as long as only one thread writes.",
        ),
    ),
    "Explain closures in JavaScript and describe a bug caused by one.": (
        (
            "A closure is a function that keeps access to the variables of the scope where it was "
            "created, even after that scope has returned.",
            "A classic bug is a loop with var whose callbacks all see the last value, fixed by "
            "using let or passing the value in.",
            "Closures can keep large objects alive and leak memory when a long-lived callback "
            "holds a reference to them.",
        ),
        (
            "A closure copies the values of outer variables when it is created, so later changes "
            "are not seen.",
            "Closures only exist in classes, not in plain functions.",
        ),
    ),
    "How do you handle errors in asynchronous JavaScript so none are silently lost?": (
        (
            "Every promise chain ends with a catch, or the await is wrapped in try and catch, so "
            "rejections are handled.",
            "A promise that is neither awaited nor returned loses its error, so always await or "
            "return it.",
            "Register a handler for unhandledrejection or process unhandledRejection to log "
            "anything that slips through.",
        ),
        (
            "A try and catch around code that starts a promise without awaiting it catches the "
            "promise's rejection.",
            "Errors in async callbacks always crash the program, so nothing can be silently lost.",
        ),
    ),
    "How do you model a value that can take several shapes in TypeScript, and how does "
    "narrowing keep it type-safe?": (
        (
            "Model the shapes as a discriminated union, where each variant has a literal tag field"
            " such as kind or type.",
            "Checking the tag with if or switch narrows the value to one variant, so only its "
            "fields are accessible.",
            "An exhaustive switch with a never check makes the compiler report a variant that was "
            "not handled.",
        ),
        (
            "Type assertions with as are the safe way to tell TypeScript which shape a value has.",
            "Narrowing works at run time by checking the TypeScript types of the value.",
        ),
    ),
    "When is it acceptable to use 'any' or a type assertion in TypeScript, and how do you keep "
    "those from spreading?": (
        (
            "any switches off type checking for that value and everything it flows into, so it "
            "should be rare and local.",
            "A type assertion is acceptable at a boundary where you know more than the compiler, "
            "such as parsed JSON after validation.",
            "Prefer unknown with narrowing or a runtime validator, and use lint rules like "
            "no-explicit-any to stop any spreading.",
        ),
        (
            "A type assertion converts or checks the value at run time.",
            "Using any is fine anywhere because TypeScript still checks the rest of the code.",
        ),
    ),
    "How would you type a generic data-fetching helper in TypeScript so callers get the right "
    "response type?": (
        (
            "Make the helper generic in the response type, for example fetchJson<T>(url): "
            "Promise<T>, so callers name the type they expect.",
            "The compiler cannot verify the response body, so validate it at run time with a "
            "schema such as zod and infer T from that schema.",
            "Model errors explicitly, for example a result type with ok and error cases, instead "
            "of returning any.",
        ),
        (
            "Declaring Promise<T> as the return type guarantees the server returns that shape.",
            "Generic helpers should return any so that callers can use the data freely.",
        ),
    ),
    "How do goroutines and channels help you structure concurrent work in Go? When would you "
    "use a mutex instead?": (
        (
            "Goroutines are cheap concurrent functions, and channels pass data between them so one"
            " goroutine owns each piece of data.",
            "Patterns like worker pools and pipelines use channels for hand-off, with context for "
            "cancellation and WaitGroup to wait.",
            "A mutex is simpler when several goroutines share a small piece of state, such as a "
            "counter or a cache map.",
        ),
        (
            "Goroutines are operating system threads, so you should only start a few.",
            "Channels are always better than mutexes, so a mutex should never be used in Go.",
        ),
    ),
    "How do you handle and wrap errors in Go so that callers can act on them?": (
        (
            "Functions return an error value that the caller checks right away, instead of "
            "throwing exceptions.",
            "Wrap errors with fmt.Errorf and %w to add context while keeping the original error.",
            "Callers use errors.Is and errors.As to act on a specific error, such as a sentinel "
            "error or a typed error.",
        ),
        (
            "Comparing error strings is the right way to tell errors apart.",
            "Wrapping an error with %v keeps it available to errors.Is.",
        ),
    ),
    "How do you stop goroutine leaks in a long-running Go service, and how would you detect one?": (
        (
            "A goroutine leaks when it blocks forever, for example on a channel nobody writes to "
            "or reads from.",
            "Pass a context to every goroutine and select on ctx.Done so it exits when the work is"
            " cancelled or times out.",
            "Detect leaks by watching the goroutine count in metrics or pprof, and with goleak in "
            "tests.",
        ),
        (
            "The garbage collector stops goroutines that are no longer needed.",
            "Goroutine leaks cannot happen if you use buffered channels.",
        ),
    ),
    "Explain ownership and borrowing in Rust with an example where the borrow checker stopped a"
    " real bug.": (
        (
            "Each value has one owner, and the value is dropped when its owner goes out of scope.",
            "You may have either one mutable reference or any number of shared references to a "
            "value at a time.",
            "The borrow checker rejects code such as holding a reference into a vector while "
            "pushing to it, which would leave a dangling pointer.",
        ),
        (
            "Rust checks borrowing at run time and panics when a rule is broken.",
            "Cloning everything is the normal way to satisfy the borrow checker.",
        ),
    ),
    "When do you reach for Arc<Mutex<T>> in Rust, and what alternatives do you consider?": (
        (
            "Arc gives shared ownership across threads and Mutex gives exclusive access, so "
            "Arc<Mutex<T>> shares mutable state between threads.",
            "Consider message passing with channels, RwLock for read-heavy data, or atomics for "
            "simple counters.",
            "Keep lock scopes short and never hold a mutex guard across an await point.",
        ),
        (
            "Rc<RefCell<T>> works across threads just like Arc<Mutex<T>>.",
            "Arc alone makes the inner value safe to mutate from several threads.",
        ),
    ),
    "Write, in words, a SQL query that returns each customer's most recent order. Which "
    "approaches (window functions, joins, subqueries) would you compare?": (
        (
            "A window function such as ROW_NUMBER() partitioned by customer and ordered by order "
            "date descending, keeping row number 1, returns each customer's latest order.",
            "Alternatively join orders to a subquery of each customer's MAX(order_date), which can"
            " return ties.",
            "Compare the approaches by their query plans, and an index on customer id and order "
            "date makes them fast.",
        ),
        (
            "GROUP BY customer with MAX(order_date) alone returns the whole latest order row.",
            "ORDER BY order date with LIMIT 1 returns the latest order for every customer.",
        ),
    ),
    "How do you decide between local state, context and a store for state in a React "
    "application?": (
        (
            "Keep state local when only one component or a small subtree uses it.",
            "Use context for values read by many components that change rarely, such as the theme "
            "or the signed-in user.",
            "Use a store or a server-state library like React Query when state is shared widely, "
            "updated often or fetched from the server.",
        ),
        (
            "All state should go into one global store from the start.",
            "Context is a state manager that only re-renders the components that read the changed "
            "value.",
        ),
    ),
    "What are the rules of hooks in React, and how would you write a custom hook for fetching "
    "data?": (
        (
            "Hooks are called only at the top level of a component or a custom hook, never inside "
            "conditions or loops, so their order is the same on every render.",
            "A custom fetching hook keeps data, loading and error in state and fetches inside "
            "useEffect with the URL in its dependency list.",
            "The effect cancels or ignores a stale request on cleanup, for example with an "
            "AbortController.",
        ),
        (
            "Hooks can be called inside if statements as long as they run on the first render.",
            "useEffect with an empty dependency list refetches whenever the URL changes.",
        ),
    ),
    "How would you find and fix a slow interaction in a large React application?": (
        (
            "Measure first with the React Profiler and the browser's performance panel to find "
            "which components render and how long they take.",
            "Reduce the work: memoize expensive components, keep props stable, and move state down"
            " so fewer components re-render.",
            "Virtualize long lists and defer heavy updates, for example with useTransition, then "
            "measure again.",
        ),
        (
            "Wrapping every component in React.memo fixes slow interactions.",
            "Slow interactions are always caused by the network, not by rendering.",
        ),
    ),
    "How does reactivity work in Vue.js, and when have you hit its limits?": (
        (
            "Vue tracks which reactive properties a render or computed value reads and re-runs it "
            "when one of them changes.",
            "In Vue 3, reactive uses proxies and ref wraps a single value, which you read through "
            ".value.",
            "Limits include losing reactivity when destructuring a reactive object and the cost of"
            " deep reactivity on large objects, where shallowRef helps.",
        ),
        (
            "Vue re-renders the whole application whenever any data changes.",
            "Destructuring a reactive object keeps its properties reactive.",
        ),
    ),
    "When do you use the Composition API in Vue.js instead of the Options API?": (
        (
            "The Composition API groups code by feature inside setup, instead of splitting it "
            "across data, methods and computed.",
            "Composables let you reuse stateful logic across components without mixins.",
            "It gives better TypeScript inference, while the Options API remains fine for small, "
            "simple components.",
        ),
        (
            "The Options API is deprecated and no longer works in Vue 3.",
            "The Composition API makes components faster at run time.",
        ),
    ),
    "How does change detection work in Angular, and when would you use OnPush?": (
        (
            "Default change detection checks every component from the root after any event, timer "
            "or HTTP response that zone.js reports.",
            "With OnPush a component is checked only when an input reference changes, an event "
            "fires inside it, or an observable bound with the async pipe emits.",
            "OnPush needs immutable inputs, because mutating an object in place will not trigger a"
            " check.",
        ),
        (
            "OnPush components never update after the first render.",
            "Mutating an input object in place triggers change detection in an OnPush component.",
        ),
    ),
    "How do you use RxJS observables in Angular without leaking subscriptions?": (
        (
            "Prefer the async pipe in templates, which subscribes and unsubscribes automatically.",
            "For manual subscriptions, end them when the component is destroyed, for example with "
            "takeUntilDestroyed or takeUntil and a destroy subject.",
            "HTTP observables complete by themselves, but long-lived streams such as store selects"
            " and intervals must be unsubscribed.",
        ),
        (
            "Angular unsubscribes every subscription automatically when a component is destroyed.",
            "Every observable must be unsubscribed manually, even ones bound with the async pipe.",
        ),
    ),
    "How would you build a responsive layout in CSS that works from phone to desktop? When do "
    "you choose flexbox and when grid?": (
        (
            "Design mobile first and add min-width media queries or container queries for larger "
            "screens.",
            "Use flexbox for one-dimensional layouts such as a row of items, and grid for "
            "two-dimensional page layouts with rows and columns.",
            "Use relative units, fluid sizes like minmax and clamp, and test on real device "
            "widths.",
        ),
        (
            "Flexbox and grid do the same thing, so it never matters which you choose.",
            "A responsive layout needs a separate fixed-width design for every device.",
        ),
    ),
    "How do you keep CSS maintainable as a project grows: naming, scoping, design tokens?": (
        (
            "Use a naming convention such as BEM, or scope styles with CSS modules or components, "
            "so styles do not leak between features.",
            "Keep colours, spacing and type sizes in design tokens or CSS custom properties "
            "instead of repeating values.",
            "Keep specificity low and avoid !important, and lint styles with a tool like "
            "stylelint.",
        ),
        (
            "Using !important is the normal way to make sure a style applies.",
            "Putting all styles in one global stylesheet keeps CSS maintainable.",
        ),
    ),
    "Explain CSS specificity and the cascade with an example of a styling bug you fixed.": (
        (
            "When rules conflict, the cascade picks by importance, then specificity, then source "
            "order.",
            "Specificity counts IDs above classes and attributes above element selectors, and "
            "inline styles beat them all.",
            "A typical bug is a rule that does not apply because a more specific selector "
            "elsewhere wins, fixed by lowering specificity rather than adding !important.",
        ),
        (
            "The rule written last always wins, whatever the selectors.",
            "A class selector is more specific than an ID selector.",
        ),
    ),
    "Why does semantic HTML matter, and which elements do you use to make a form accessible?": (
        (
            "Semantic elements such as nav, main, button and label give meaning that screen "
            "readers and keyboards rely on.",
            "In a form, each input has a label tied to it with for and id, and related fields are "
            "grouped with fieldset and legend.",
            "Use a real button and native inputs, and link error messages to their field with "
            "aria-describedby.",
        ),
        (
            "A div with a click handler is as accessible as a button.",
            "A placeholder is a good replacement for a label.",
        ),
    ),
    "What happens in Node.js when a request handler does CPU-heavy work, and how do you avoid "
    "blocking the event loop?": (
        (
            "Node.js runs JavaScript on a single thread, so CPU-heavy work in a handler blocks the"
            " event loop and every other request waits.",
            "Move heavy work to worker threads, a child process or a separate job queue.",
            "Break work into chunks or stream data, and watch event loop lag in metrics.",
        ),
        (
            "Making the handler async stops CPU-heavy work from blocking other requests.",
            "Node.js runs each request on its own thread.",
        ),
    ),
    "How do you handle graceful shutdown in a Node.js service so in-flight requests finish?": (
        (
            "On SIGTERM, stop accepting new connections with server.close while in-flight requests"
            " finish.",
            "Fail the readiness check first so the load balancer stops sending traffic.",
            "Close database pools and queue consumers after the requests finish, with a timeout "
            "that forces exit if shutdown hangs.",
        ),
        (
            "Calling process.exit as soon as SIGTERM arrives is a graceful shutdown.",
            "Node.js finishes in-flight requests by itself when the process is killed.",
        ),
    ),
    "How do you run Django migrations on a large table without downtime?": (
        (
            "Split a risky change into steps, such as adding a nullable column first, backfilling "
            "in batches, then adding the constraint.",
            "Avoid operations that lock or rewrite the whole table; create indexes concurrently "
            "and set a lock timeout.",
            "Keep old and new code compatible with the schema during the deploy, then remove the "
            "old column in a later release.",
        ),
        (
            "Running manage.py migrate in one step during a deploy is always safe for large "
            "tables.",
            "Adding a column with a default never locks a large table in any database.",
        ),
    ),
    "How does dependency injection work in FastAPI, and how do you use it for database sessions"
    " and authentication?": (
        (
            "FastAPI resolves dependencies declared with Depends in the endpoint signature and "
            "passes their results in.",
            "A database session dependency uses yield, so the session is closed or rolled back "
            "after the request.",
            "Authentication is a dependency that reads the token and returns the current user or "
            "raises 401, and it can be reused across routes.",
        ),
        (
            "Depends creates one shared database session for the whole application.",
            "Dependencies only run once at startup, not on every request.",
        ),
    ),
    "When do you write sync and when async endpoints in FastAPI, and what goes wrong when you "
    "mix them up?": (
        (
            "async def endpoints run on the event loop, so they must only use non-blocking "
            "libraries.",
            "Plain def endpoints run in a thread pool, which suits blocking libraries such as a "
            "synchronous database driver.",
            "Calling blocking code such as requests or time.sleep inside an async def blocks the "
            "event loop and stalls every request.",
        ),
        (
            "async def endpoints are always faster, even with a blocking database driver.",
            "FastAPI runs async def endpoints in a separate thread, so blocking calls inside them "
            "are fine.",
        ),
    ),
    "How does Spring Boot wire dependencies, and how do you keep configuration manageable "
    "across environments?": (
        (
            "Spring Boot creates beans from component scanning and configuration classes, and "
            "injects them, preferably through constructors.",
            "Auto-configuration adds beans based on the classpath and properties, and you can "
            "override them.",
            "Keep configuration in application properties with profiles per environment, bind it "
            "with ConfigurationProperties, and keep secrets in environment variables or a vault.",
        ),
        (
            "Field injection with Autowired is the recommended way to inject dependencies.",
            "Secrets belong in application.properties committed to the repository.",
        ),
    ),
    "How do transactions work with @Transactional in Spring Boot, and what are its pitfalls?": (
        (
            "Transactional wraps the method in a proxy that starts a transaction before it and "
            "commits or rolls back after it.",
            "Calling a Transactional method from the same class bypasses the proxy, so no "
            "transaction starts.",
            "By default only unchecked exceptions roll back, and propagation and isolation "
            "settings change what happens with nested calls.",
        ),
        (
            "Transactional works on private methods and on calls inside the same class.",
            "Every exception, checked or unchecked, rolls back the transaction by default.",
        ),
    ),
    "How would you find and fix a slow query in PostgreSQL? Which parts of EXPLAIN ANALYZE do "
    "you look at first?": (
        (
            "Find the slow query first, for example with pg_stat_statements or the slow query log.",
            "Run EXPLAIN ANALYZE and look at the nodes with the most actual time, sequential scans"
            " on large tables, and rows estimated far from rows returned.",
            "Fix it with an index, a rewritten query or fresh statistics from ANALYZE, then "
            "compare the plan and timing again.",
        ),
        (
            "EXPLAIN without ANALYZE shows the real time each step took.",
            "Adding an index on every column in the query always fixes a slow query.",
        ),
    ),
    "How do you add an index or a column to a large PostgreSQL table without locking out writes?": (
        (
            "Create indexes with CREATE INDEX CONCURRENTLY, which does not block writes but cannot"
            " run inside a transaction.",
            "Adding a nullable column without a default is instant; since PostgreSQL 11 a constant"
            " default is instant too.",
            "Set a short lock_timeout and add constraints as NOT VALID, then validate them in a "
            "separate step.",
        ),
        (
            "CREATE INDEX always allows writes to the table while it builds.",
            "Adding a NOT NULL constraint to a big table never blocks anything.",
        ),
    ),
    "What kinds of indexes does PostgreSQL offer, and how do you choose one for a query?": (
        (
            "B-tree is the default and serves equality, range and sorting on ordered values.",
            "GIN indexes suit arrays, JSONB and full-text search, GiST suits geometric and range "
            "data, and BRIN suits very large tables ordered by time.",
            "Choose from the query's operators and check with EXPLAIN that the planner uses the "
            "index; partial and multicolumn indexes help specific filters.",
        ),
        (
            "A hash index is the best choice for range queries.",
            "PostgreSQL uses an index for every query on an indexed column.",
        ),
    ),
    "How would you diagnose a slow query in MySQL, and how do indexes and the query plan help?": (
        (
            "Find slow queries in the slow query log or performance_schema and run EXPLAIN on "
            "them.",
            "In the plan, look at the access type, the key used and the rows examined; type ALL "
            "means a full table scan.",
            "Add a composite index in the order of the filter and sort columns, and remember the "
            "leftmost prefix rule.",
        ),
        (
            "MySQL can use a composite index for any column of it, in any order.",
            "A full table scan is always fine on tables with an index.",
        ),
    ),
    "How does replication work in MySQL, and what problems does replica lag cause?": (
        (
            "The primary writes changes to the binary log, and replicas copy and apply it, "
            "asynchronously by default.",
            "Replica lag means reads from a replica can return stale data, such as a user not "
            "seeing a change they just made.",
            "Route reads that must see recent writes to the primary, and monitor lag with seconds "
            "behind source.",
        ),
        (
            "Replicas are always exactly in sync with the primary.",
            "Asynchronous replication guarantees no data is lost if the primary fails.",
        ),
    ),
    "How do you decide between embedding and referencing documents in MongoDB?": (
        (
            "Embed data that is read together with its parent and has a bounded size, such as an "
            "order's line items.",
            "Reference data that is shared by many documents, grows without bound or changes "
            "independently.",
            "Mind the 16 MB document limit and choose the shape from the application's read and "
            "write patterns.",
        ),
        (
            "Data should always be normalized into separate collections in MongoDB, as in a "
            "relational database.",
            "You can embed any amount of data because MongoDB documents have no size limit.",
        ),
    ),
    "How do indexes work in MongoDB, and how do you find a query that is not using one?": (
        (
            "MongoDB indexes are B-trees on fields, and compound indexes follow the equality, "
            "sort, range order of fields.",
            "Use explain with executionStats: a COLLSCAN stage or many documents examined per "
            "document returned means no useful index.",
            "The database profiler and slow query logs show which queries to examine.",
        ),
        (
            "MongoDB indexes every field automatically.",
            "An index on each field separately is as good as a compound index for a multi-field "
            "query.",
        ),
    ),
    "Which Redis data structures have you used, and what problem did each solve?": (
        (
            "Strings with a TTL for caching and counters with INCR, for example for rate limiting.",
            "Hashes for objects with fields, sets for unique membership, and sorted sets for "
            "leaderboards or time-ordered queues.",
            "Lists or streams for simple queues, where streams add consumer groups and "
            "acknowledgements.",
        ),
        (
            "Redis only stores plain strings, so everything must be serialized into one value.",
            "Redis data structures are durable by default, like a database.",
        ),
    ),
    "How do Kafka partitions and consumer groups affect ordering and throughput? How would you "
    "choose a partition key?": (
        (
            "Ordering is guaranteed only within a partition, not across a topic.",
            "Within a consumer group each partition is read by one consumer, so the number of "
            "partitions caps parallelism.",
            "Choose a partition key such as the entity id, so events for one entity stay in order "
            "while load spreads evenly, and avoid hot keys.",
        ),
        (
            "Kafka keeps messages in order across all partitions of a topic.",
            "Adding more consumers than partitions increases throughput.",
        ),
    ),
    "What is a Kafka topic, partition and offset, and how does a consumer keep track of what it"
    " has read?": (
        (
            "A topic is a named stream of records split into partitions, each an append-only log.",
            "An offset is the position of a record within a partition.",
            "A consumer group commits its offsets to Kafka, so after a restart it resumes from the"
            " last committed offset.",
        ),
        (
            "Kafka deletes a message as soon as a consumer reads it.",
            "The offset is a global number across all partitions of a topic.",
        ),
    ),
    "How do exchanges, queues and bindings work in RabbitMQ, and how do you handle messages "
    "that keep failing?": (
        (
            "Producers publish to an exchange, and bindings route messages to queues by type, such"
            " as direct, topic or fanout.",
            "Consumers acknowledge a message after processing, and a message that is not "
            "acknowledged is redelivered.",
            "Messages that keep failing are rejected without requeue to a dead letter queue, often"
            " after a few delayed retries.",
        ),
        (
            "Producers send messages directly to queues, so exchanges are optional.",
            "Requeuing a failing message forever is the right way to handle it.",
        ),
    ),
    "How do you keep Docker images small and builds fast? Walk through a Dockerfile you "
    "improved.": (
        (
            "Use multi-stage builds so the final image holds only the runtime and the built "
            "artefact.",
            "Start from a small base image and order the Dockerfile so dependencies install before"
            " the source is copied, to reuse the layer cache.",
            "Use a .dockerignore and clean package caches in the same layer.",
        ),
        (
            "Deleting files in a later layer makes the image smaller.",
            "Copying the whole source before installing dependencies speeds up builds.",
        ),
    ),
    "How would you debug a Kubernetes pod stuck in CrashLoopBackOff?": (
        (
            "Read the previous container's logs with kubectl logs --previous to see why it exited.",
            "Run kubectl describe pod to see the exit code, events, and whether it was OOMKilled "
            "or failed a liveness probe.",
            "Check the configuration it depends on, such as environment variables, secrets, "
            "command and resource limits.",
        ),
        (
            "CrashLoopBackOff means the cluster has no space for the pod.",
            "Deleting the pod is the fix, because the new one will start cleanly.",
        ),
    ),
    "How do you set resource requests and limits in Kubernetes, and what goes wrong when they "
    "are off?": (
        (
            "Requests are what the scheduler reserves for a pod, and limits are the most it may "
            "use.",
            "A container over its memory limit is OOMKilled, and one over its CPU limit is "
            "throttled.",
            "Requests set too high waste capacity, and requests set too low overcommit nodes, so "
            "set them from measured usage.",
        ),
        (
            "A container that exceeds its CPU limit is killed.",
            "Requests and limits are only hints and change nothing at run time.",
        ),
    ),
    "Which AWS services would you use to run a web API with a database, and how would you keep "
    "the cost under control?": (
        (
            "Run the API on ECS Fargate, Lambda or EC2 behind a load balancer, with the database "
            "on RDS or Aurora.",
            "Control cost with right-sized instances, autoscaling, savings plans and budgets with "
            "alerts.",
            "Watch data transfer and NAT gateway costs, and tag resources to see who spends what.",
        ),
        (
            "Running everything on the largest instances is the cheapest option in the long run.",
            "Serverless services are always cheaper than containers.",
        ),
    ),
    "How do you manage IAM permissions and secrets on AWS so each service gets only what it "
    "needs?": (
        (
            "Give each service its own IAM role with a least-privilege policy that names only the "
            "actions and resources it needs.",
            "Keep secrets in Secrets Manager or Parameter Store, encrypted with KMS and fetched at"
            " run time.",
            "Use temporary credentials through roles instead of long-lived access keys, and review"
            " access with IAM Access Analyzer or CloudTrail.",
        ),
        (
            "Putting access keys in environment variables in the repository is fine for internal "
            "services.",
            "Sharing one admin role between all services keeps things simple and safe.",
        ),
    ),
    "How do you structure Terraform code and state for several environments, and how do you "
    "review a plan safely?": (
        (
            "Keep reusable modules and a separate root configuration and state per environment, "
            "such as dev, staging and production.",
            "Store state remotely, for example in S3 with a lock, never in the repository.",
            "Review the plan in CI before apply, looking especially at resources to be destroyed "
            "or replaced.",
        ),
        (
            "Keeping terraform.tfstate in git is the best way to share state.",
            "Running terraform apply without reading the plan is safe because Terraform only adds "
            "resources.",
        ),
    ),
    "How do you avoid the N+1 problem in a GraphQL server, and how do you protect it from very "
    "expensive queries?": (
        (
            "Resolvers that load related objects one by one cause N+1 queries, which a DataLoader "
            "batches into one query per level.",
            "Protect the server by limiting query depth and complexity or cost.",
            "Add timeouts, pagination limits, and persisted queries for public APIs.",
        ),
        (
            "GraphQL servers batch database queries automatically.",
            "Rate limiting by number of requests is enough to stop expensive GraphQL queries.",
        ),
    ),
    "How do you evaluate a machine learning model before it reaches production, and which "
    "metrics would you choose for an imbalanced dataset?": (
        (
            "Evaluate on a held-out test set split the way production data arrives, for example by"
            " time, and compare with a simple baseline.",
            "For an imbalanced dataset use precision, recall, F1 or precision-recall AUC instead "
            "of accuracy.",
            "Pick the decision threshold from the business cost of errors and check performance on"
            " important segments.",
        ),
        (
            "Accuracy is the best metric for an imbalanced dataset.",
            "A high score on the training data shows the model is ready for production.",
        ),
    ),
    "How do you detect and handle data leakage in a machine learning pipeline?": (
        (
            "Leakage is information in training features that would not be available at prediction"
            " time, such as a feature derived from the label or from the future.",
            "Split data before any preprocessing and fit scalers and encoders on the training "
            "split only.",
            "Suspiciously high validation scores and time-based splits help reveal leakage.",
        ),
        (
            "Shuffling the data randomly always prevents leakage.",
            "Fitting preprocessing on the whole dataset before splitting is fine.",
        ),
    ),
    "How do you evaluate the quality of an application built on LLMs, and how do you catch "
    "regressions when you change a prompt or a model?": (
        (
            "Build an evaluation set of real inputs with expected outputs or grading criteria, "
            "including known failure cases.",
            "Score outputs automatically with checks, reference comparisons or an LLM judge that "
            "is itself validated against human ratings.",
            "Run the evaluation set on every prompt or model change and compare with the previous "
            "version before release.",
        ),
        (
            "Trying a few prompts by hand is enough to catch regressions.",
            "A newer or bigger model never makes any case worse.",
        ),
    ),
    "How do you reduce hallucinations and control cost in a product that uses LLMs?": (
        (
            "Ground answers in retrieved sources and ask the model to cite them or say it does not"
            " know.",
            "Validate outputs with structured formats and checks before showing them to users.",
            "Control cost with smaller models where they suffice, caching, shorter prompts and "
            "limits on tokens.",
        ),
        (
            "Setting the temperature to zero removes hallucinations.",
            "The biggest model is always needed for good quality.",
        ),
    ),
    "Walk through a PyTorch training loop you wrote. How did you debug a model that would not "
    "converge?": (
        (
            "The loop runs the forward pass, computes the loss, calls zero_grad, backward and the "
            "optimizer step, per batch.",
            "To debug, first overfit a single small batch; if the loss does not fall, the bug is "
            "in the model or the loop.",
            "Check the learning rate, data and labels, normalization, and gradients for NaN or "
            "exploding values.",
        ),
        (
            "Forgetting zero_grad is harmless because PyTorch resets gradients by itself.",
            "If a model does not converge, training it for more epochs is the fix.",
        ),
    ),
}
