"""The seniority calibration: the prior reads mean scores the way the product documents, and
reviewers' final decisions move it in the direction they point, more with more decisions."""

from __future__ import annotations

import random

import pytest

from workers.evaluation.calibration import (
    LEVELS,
    confidence_score,
    default_model,
    fit,
    level_probabilities,
    make_model,
    predict,
    weighted_profile,
)


def test_the_prior_reads_mean_scores_as_documented() -> None:
    model = default_model()

    assert predict(model, 2.0)[0] == "junior"
    assert predict(model, 3.0)[0] == "mid"
    assert predict(model, 3.8)[0] == "senior"
    assert predict(model, 4.5)[0] == "staff"
    assert model.n_labels == 0


def test_level_probabilities_sum_to_one_and_shift_up_with_the_profile() -> None:
    model = default_model()
    weak, strong = level_probabilities(model, 2.2), level_probabilities(model, 4.2)

    assert sum(weak.values()) == pytest.approx(1.0, abs=1e-3)
    assert list(weak) == list(LEVELS)
    assert weak["junior"] > strong["junior"]
    assert strong["staff"] > weak["staff"]


def test_reviewers_placing_a_3_0_profile_at_senior_move_the_model_towards_senior() -> None:
    before = level_probabilities(default_model(), 3.0)["senior"]
    few = fit([(3.0, "senior")] * 3)
    many = fit([(3.0, "senior")] * 30)

    after_few = level_probabilities(few, 3.0)["senior"]
    after_many = level_probabilities(many, 3.0)["senior"]
    assert before < after_few < after_many  # more decisions move it further
    assert predict(default_model(), 3.0)[0] == "mid"
    assert predict(many, 3.0)[0] == "senior"
    assert many.n_labels == 30


def test_decisions_about_one_profile_leave_distant_profiles_alone() -> None:
    moved = fit([(3.0, "senior")] * 30)

    assert predict(moved, 1.8)[0] == "junior"
    assert predict(moved, 4.8)[0] == "staff"


def test_decisions_that_agree_with_the_prior_keep_its_readings() -> None:
    rng = random.Random(7)
    prior = default_model()
    labels = []
    for _ in range(200):
        profile = round(rng.uniform(1.5, 5.0), 2)
        probabilities = level_probabilities(prior, profile)
        labels.append((profile, rng.choices(LEVELS, [probabilities[lv] for lv in LEVELS])[0]))

    refitted = fit(labels)
    for profile in (2.0, 3.0, 3.8, 4.5):
        assert predict(refitted, profile)[0] == predict(prior, profile)[0]


def test_fit_is_deterministic_and_ignores_the_order_of_decisions() -> None:
    labels = [(2.1, "junior"), (3.0, "senior"), (3.4, "mid"), (4.6, "staff"), (3.9, "senior")]

    first = fit(labels)
    again = fit(labels)
    shuffled = fit(list(reversed(labels)))

    assert first == again == shuffled
    assert first.version == again.version and first.version != default_model().version
    assert all(round(cut, 4) == cut for cut in first.cuts)


def test_no_decisions_give_the_prior_back_and_bad_labels_are_refused() -> None:
    assert fit([]) == default_model()
    with pytest.raises(ValueError, match="principal"):
        fit([(3.0, "principal")])
    with pytest.raises(ValueError, match="increase"):
        make_model(4.0, [1.0, 0.5, 2.0])


def test_a_fitted_model_can_serve_as_the_prior_for_new_decisions() -> None:
    first = fit([(3.0, "senior")] * 5)
    second = fit([(3.0, "senior")] * 5, prior=first)

    assert second.n_labels == 10
    assert level_probabilities(second, 3.0)["senior"] > level_probabilities(first, 3.0)["senior"]


def test_confidence_drops_when_signals_cover_less_of_the_rubric() -> None:
    assert confidence_score(0.8) == 90
    assert confidence_score(0.8, coverage=0.8) == 81
    assert confidence_score(0.8, coverage=0.0) == 45
    assert confidence_score(0.999) == 95  # never certain before a reviewer has looked
    assert confidence_score(1.5, coverage=2.0) == 95


def test_confidence_drops_when_the_measurements_do_not_back_the_decision() -> None:
    assert confidence_score(0.9, support=1.0) == 95
    assert confidence_score(0.9, support=0.5) == 70
    assert confidence_score(0.9, support=0.0) == 45


def test_weighted_profile_weights_categories() -> None:
    assert weighted_profile([(5, 3.0), (1, 1.0)]) == 4.0
    assert weighted_profile([(4, 0.0), (2, 0.0)]) == 3.0
    assert weighted_profile([]) == 3.0
