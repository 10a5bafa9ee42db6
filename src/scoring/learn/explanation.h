// Explanations: says in a few words why the learned model judged as it did,
// naming the features that weighed most ("p=0.97: "my channel",
// "subscribe", host bit.ly"). Text for the site owner; safe to log.
#pragma once

#include <string>

#include "form/submission.h"
#include "scoring/learn/learned_model.h"

namespace spamgate {

// "p=0.97: " followed by the (up to three) features of `features` that
// pushed most toward spam when probability >= 0.5, toward ham otherwise.
std::string explain_learned(const LearnedModel& model, const Submission& submission, const FeatureVector& features,
                            double probability);

// A feature's name ("w:subscribe", "h:bit.ly") as an owner reads it
// ("\"subscribe\"", "host bit.ly").
std::string readable_feature(const std::string& name);

}  // namespace spamgate
