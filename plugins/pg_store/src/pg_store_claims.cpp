// PgStore's claims for several hosts on one database: due timers taken under a lease (FOR
// UPDATE SKIP LOCKED: hosts polling at once take disjoint timers, none waits for another) and
// cron ticks recorded under a unique key (the first host's insert wins). Schema: migration 6
// (schema_migrations.cpp). docs/cluster.md says what each guarantees.
#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>

#include <pqxx/pqxx>

#include "pg_store.hpp"
#include "pg_store_submit.hpp"
#include "record_codec.hpp"

namespace processhost::plugins::pg_store {
namespace {

// Claimed timers, then one row whose last column is the earliest timer due after now (NULL:
// none), so that a poll is one round trip. Both parts run on processhost_timers_by_due: a
// poll that finds nothing due reads no table row.
constexpr const char* kClaimDueTimers =
    "WITH picked AS ("
    "  SELECT id FROM processhost_timers WHERE due_at_ms <= $1 AND lease_until_ms <= $1"
    "  ORDER BY due_at_ms, id LIMIT $2 FOR UPDATE SKIP LOCKED),"
    " claimed AS ("
    "  UPDATE processhost_timers t SET lease_until_ms = $3, claimed_by = $4 FROM picked WHERE t.id = picked.id"
    "  RETURNING t.id, t.process_instance_id, t.flow_node_instance_id, t.due_at_ms)"
    " SELECT id, process_instance_id, flow_node_instance_id, due_at_ms, NULL::bigint FROM claimed"
    " UNION ALL"
    " SELECT NULL, NULL, NULL, NULL, (SELECT min(due_at_ms) FROM processhost_timers WHERE due_at_ms > $1)";

constexpr const char* kClaimCronTick =
    "INSERT INTO processhost_cron_claims (process_model_id, start_event_id, tick_ms, claimed_by, claimed_at_ms)"
    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1";

constexpr const char* kRemoveCronClaims = "DELETE FROM processhost_cron_claims WHERE tick_ms < $1";

}  // namespace

// Not retried: a lost answer may have claimed timers; they are claimed again once their
// lease has ended.
void PgStore::claim_due_timers(std::string owner, std::int64_t now_ms, std::int64_t lease_until_ms, std::size_t max,
                               Callback<TimerClaim> done) {
  submit<TimerClaim>(
      std::move(done), Retry::never,
      [owner = std::move(owner), now_ms, lease_until_ms, max](PgSession& session,
                                                              pqxx::connection& connection) -> Result<TimerClaim> {
        pqxx::nontransaction tx(connection);
        session.prepare("claim_due_timers", kClaimDueTimers);
        TimerClaim claimed;
        for (const auto& row : tx.exec_prepared("claim_due_timers", now_ms, static_cast<std::int64_t>(max),
                                                lease_until_ms, owner)) {
          if (row[0].is_null()) {
            if (!row[4].is_null()) claimed.next_due_ms = row[4].as<std::int64_t>();
          } else {
            claimed.timers.push_back(decode_timer(row));
          }
        }
        std::sort(claimed.timers.begin(), claimed.timers.end(), [](const auto& a, const auto& b) {
          return std::tie(a.due_at_ms, a.id) < std::tie(b.due_at_ms, b.id);
        });
        return claimed;
      });
}

// Not retried: a lost answer may have recorded the claim, and a second try would then report
// the tick as another host's.
void PgStore::claim_cron_tick(CronTickClaim claim, Callback<bool> done) {
  submit<bool>(std::move(done), Retry::never,
               [claim = std::move(claim)](PgSession& session, pqxx::connection& connection) -> Result<bool> {
                 pqxx::nontransaction tx(connection);
                 session.prepare("claim_cron_tick", kClaimCronTick);
                 const auto inserted =
                     tx.exec_prepared("claim_cron_tick", claim.process_model_id, claim.start_event_id, claim.tick_ms,
                                      claim.claimed_by, claim.claimed_at_ms);
                 return !inserted.empty();
               });
}

void PgStore::remove_cron_claims(std::int64_t ticked_before_ms, Callback<std::size_t> done) {
  submit<std::size_t>(std::move(done), Retry::never,
                      [ticked_before_ms](PgSession& session, pqxx::connection& connection) -> Result<std::size_t> {
                        pqxx::nontransaction tx(connection);
                        session.prepare("remove_cron_claims", kRemoveCronClaims);
                        return static_cast<std::size_t>(
                            tx.exec_prepared("remove_cron_claims", ticked_before_ms).affected_rows());
                      });
}

}  // namespace processhost::plugins::pg_store
