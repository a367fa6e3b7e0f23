// A RunSpec (kernsim.proto) parsed once: the CLI and the Python API build
// one, this turns it into the runner's options. Field by field only here;
// everything else passes the messages on whole.
#pragma once

#include <string>

#include "kernsim.pb.h"
#include "runner/explore.h"
#include "runner/search.h"

namespace ks::runner {

// Throws std::invalid_argument naming what is malformed.
kernsim::RunSpec run_spec_from_bytes(const std::string& bytes);

// A WorldSpec field this build does not apply is refused by name: a new
// option added to the proto cannot silently do nothing.
km::WorldOptions world_options(const kernsim::WorldSpec& w);
StrategySpec strategy_spec(const kernsim::StrategySpec& s);
CampaignOptions campaign_options(const kernsim::RunSpec& r);
SearchOptions search_options(const kernsim::RunSpec& r);

std::vector<sim::Decision> decisions_from_proto(const kernsim::Schedule& s);
void decisions_to_proto(const std::vector<sim::Decision>& v, kernsim::Schedule* s);

}  // namespace ks::runner
