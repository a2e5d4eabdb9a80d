#pragma once
// Each mode's executable defines how a case gets its target.

#include <memory>

#include <rapidjson/document.h>

#include "case_target.hpp"
#include "corpus.hpp"

namespace processhost::conformance {

// A target with the case's models (bpmn and extraBpmn) deployed and nothing started.
// Throws CaseFailure (a model refused, a host that does not start).
std::unique_ptr<CaseTarget> make_case_target(const Corpus& corpus, const rapidjson::Value& test_case);

}  // namespace processhost::conformance
