"""What a good answer contains for the behavioural and leadership templates: the structure of a
good answer (a concrete situation, what the candidate personally did, the result with evidence,
what they learnt), written as such an answer states it; and the typical weak patterns (blaming
others, the team's work without the candidate's own part, no example at all), written as a weak
answer states them, so the judge can match either."""

from __future__ import annotations

from backend.services.pipeline.question_guides.guide import Guide

BEHAVIOURAL: dict[str, Guide] = {
    "Tell me about a {skill} project you are proud of. What was your part, and what would you "
    "do differently now?": (
        (
            "The {skill} project I am proud of is one I worked on myself, and I say what it did "
            "and who used it.",
            "My own part of the {skill} project was specific work that I built or decided myself.",
            "The {skill} project had a measurable result, such as users, speed, revenue or a date "
            "it shipped.",
            "Now I would do one thing differently on that {skill} project, and I explain why.",
        ),
        (
            "We did everything together as a team, so I cannot say which part was mine.",
            "I am proud of all my projects and I always do my best.",
        ),
    ),
    "Describe a time a bug in {skill} code you wrote reached production. How was it found, and "
    "what did you change afterwards?": (
        (
            "A bug in {skill} code I wrote reached production and broke something for users.",
            "The bug was found by an alert, the logs or a customer report, and I traced it to my "
            "{skill} code.",
            "I fixed my {skill} code and added a test for the input that failed.",
            "Afterwards I changed how I test and review {skill} code so the same kind of bug "
            "cannot reach production again.",
        ),
        (
            "The bug was someone else's fault: the tester or the reviewer should have caught it.",
            "My code does not really have bugs that reach production.",
        ),
    ),
    "Tell me how you learned {skill}. What was hard, and how did you get unstuck?": (
        (
            "I learned {skill} on a real project, where I had to use it.",
            "One thing about {skill} was hard for me at first, and I name it.",
            "I read the {skill} documentation, built a small example and asked a colleague for "
            "help.",
            "Now I use {skill} in work that I built and shipped.",
        ),
        ("I learned it in general, the usual way, and nothing was really hard.",),
    ),
    "Tell me about a time you disagreed with a teammate about how to use {skill}. How was it "
    "resolved?": (
        (
            "A teammate and I disagreed about how to use {skill}, and each of us proposed a "
            "different approach.",
            "I listened to my teammate's reasons for their {skill} approach and explained mine.",
            "We settled the {skill} disagreement with evidence, such as a test, a benchmark or a "
            "small prototype.",
            "The agreed {skill} approach worked, and I learnt how to handle disagreements better.",
        ),
        (
            "My teammate was simply wrong, so I did it my way.",
            "I avoid disagreements and just go along with what others want.",
        ),
    ),
    "This role asks for {soft}. Describe a situation on a {skill} project where {soft} made the"
    " difference.": (
        (
            "On a {skill} project there was a specific situation where {soft} mattered.",
            "I showed {soft} myself by what I did on the {skill} project, step by step.",
            "Because of {soft}, the {skill} project had a measurable result, such as a deadline "
            "met or a problem avoided.",
            "I learnt something about {soft} from that {skill} project.",
        ),
        (
            "I have always been good at {soft}, so I do not need an example.",
            "The team handled it together, and I just followed along.",
        ),
    ),
    "Tell me about a technical decision involving {skill} that you had to explain to people who"
    " were not engineers.": (
        (
            "I had to get product managers or executives to agree to a technical change to "
            "{skill}.",
            "I explained the {skill} change in business terms: the work it costs, the risk it "
            "removes and what customers notice.",
            "They understood the decision and agreed to it, and we shipped the change.",
        ),
        (
            "Non-engineers do not need to understand technical decisions, so I just told them what"
            " we would do.",
            "I explained every technical detail of the implementation so they would trust it.",
        ),
    ),
    "Describe a time you received critical feedback on your {skill} code. What did you do with "
    "it?": (
        (
            "A reviewer gave me critical feedback on my {skill} code, and I say what it was.",
            "I asked questions to understand the feedback and changed my {skill} code.",
            "Since then I write {skill} code differently, and I give an example.",
        ),
        (
            "The reviewer was wrong, so I ignored the feedback.",
            "I do not really get critical feedback on my code.",
        ),
    ),
    "How have you helped engineers on your team grow their {skill} skills? Give a specific "
    "example.": (
        (
            "I helped a specific engineer on my team grow their {skill} skills.",
            "I paired with the engineer on {skill} work, reviewed their code and gave them a "
            "stretch task.",
            "Afterwards the engineer led {skill} work on their own.",
        ),
        (
            "Engineers should learn on their own, so I point them to the documentation.",
            "I gave the team a talk once, without following up with anyone.",
        ),
    ),
    "Tell me about a time you changed how your team works with {skill}, for example its "
    "standards or review process. How did you get people on board?": (
        (
            "I changed how my team works with {skill}, such as a coding standard, a review "
            "checklist or a tool.",
            "The change was needed because of a real problem with {skill}, such as bugs, slow "
            "reviews or incidents.",
            "I got people on board by asking for their input on the {skill} change, trying it "
            "first and adjusting it.",
            "After the {skill} change we had measurably fewer problems, such as fewer incidents or"
            " faster reviews.",
        ),
        (
            "I told the team the new rule and expected everyone to follow it.",
            "The process changed by itself over time, so I did not really do anything.",
        ),
    ),
    "Describe a project involving {skill} and {skill2} that was going off track. How did you "
    "notice, and what did you do as its lead?": (
        (
            "A project with {skill} and {skill2} that I led was going off track, and I noticed it "
            "from missed milestones or metrics.",
            "As the lead I found the cause, cut or re-planned the scope and told stakeholders "
            "early.",
            "After re-planning, the {skill} and {skill2} project shipped on the new date, and I "
            "learnt what to watch earlier.",
        ),
        (
            "The project went off track because other people did not do their jobs.",
            "We just worked longer hours until it was done.",
        ),
    ),
    "Tell me about a time you had to learn something new quickly to succeed as a {title}.": (
        (
            "As a {title} I had to learn something new quickly, and I name what it was.",
            "I learned it quickly myself by focused practice, reading the documentation and asking"
            " an expert.",
            "With what I learned, I delivered specific work as a {title} on time.",
        ),
        (
            "I learn everything quickly, so I do not need a specific example.",
            "Someone else on the team handled it, so I did not need to learn it.",
        ),
    ),
}
