// The iam plugin in the real host, beside the real Consumer API: a user logs in, runs the
// sample flow with the verified token, and every token that cannot be verified is refused.

#include <jwt.h>
#include <sodium.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "processhost/json.hpp"
#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost {
namespace {

using testing::Headers;
using testing::HostProcess;
using testing::HttpClient;
using testing::HttpReply;
using testing::TempDir;

constexpr const char* kSecret = "integration-secret-0123456789abcdefghijklmnop";
constexpr const char* kIssuer = "processhost-integration";
constexpr const char* kApi = "/api/consumer/v1";

std::string fast_hash(const std::string& password) {
  EXPECT_GE(sodium_init(), 0);
  char hash[crypto_pwhash_STRBYTES] = {};
  EXPECT_EQ(crypto_pwhash_str_alg(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_MIN,
                                  crypto_pwhash_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13),
            0);
  return hash;
}

std::string base64url(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

std::string unbase64url(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t length = 0;
  EXPECT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                              nullptr, &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
            0);
  out.resize(length);
  return out;
}

// A token as a client could make one: any algorithm, key and payload.
std::string forge(jwt_alg_t alg, const std::string& key, const std::string& payload_json) {
  jwt_t* raw = nullptr;
  EXPECT_EQ(jwt_new(&raw), 0);
  std::unique_ptr<jwt_t, decltype(&jwt_free)> jwt(raw, &jwt_free);
  const bool keyless = alg == JWT_ALG_NONE;
  EXPECT_EQ(jwt_set_alg(jwt.get(), alg, keyless ? nullptr : reinterpret_cast<const unsigned char*>(key.data()),
                        keyless ? 0 : static_cast<int>(key.size())),
            0);
  EXPECT_EQ(jwt_add_grants_json(jwt.get(), payload_json.c_str()), 0);
  char* encoded = jwt_encode_str(jwt.get());
  std::string token = encoded ? encoded : "";
  std::free(encoded);
  return token;
}

std::string payload(const std::string& issuer, std::int64_t exp_offset) {
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return R"({"iss":")" + issuer + R"(","sub":"sampleUser","iat":)" + std::to_string(now - 7200) + R"(,"exp":)" +
         std::to_string(now + exp_offset) + R"(,"claims":["sample_lane","can_read_process_model"]})";
}

rapidjson::Document parse(const HttpReply& reply) {
  rapidjson::Document document;
  auto error = json_parse(reply.body, document);
  EXPECT_FALSE(error.has_value()) << (error ? error->message : "") << ": " << reply.body;
  return document;
}

class IamHostTest : public ::testing::Test {
 protected:
  void start_host(bool allow_god_token = false) {
    dir_.write("users.json", R"({"users":[
        {"username":"sampleUser","passwordHash":")" +
                                 fast_hash("pass") +
                                 R"(","claims":["sample_lane","can_read_process_model"]},
        {"username":"outsider","passwordHash":")" +
                                 fast_hash("outsider-pass") + R"(","claims":["can_read_process_model"]}]})");
    dir_.write("iam.json", std::string(R"({"issuer":")") + kIssuer + R"(","secret":")" + kSecret +
                               R"(","usersFile":"users.json","allowGodToken":)" + (allow_god_token ? "true" : "false") +
                               R"(,"passwordHashing":{"opsLimit":1,"memLimitBytes":8192},
                                  "loginThrottle":{
                                    "account":{"freeFailures":2,"baseDelaySeconds":2,"maxDelaySeconds":4},
                                    "address":{"maxFailures":5,"windowSeconds":60}}})");
    auto config = dir_.write("host.json", std::string(R"({"http":{"host":"127.0.0.1","port":0},"processModels":[")") +
                                              PROCESSHOST_SAMPLE_BPMN + R"("],
        "plugins":[{"name":"iam","config":"iam.json"},{"name":"consumer_api"}]})");
    ::unsetenv("PROCESSHOST_IAM_SECRET");
    host_ = std::make_unique<HostProcess>(config);
    host_->start();
    client_ = std::make_unique<HttpClient>(host_->port());
  }
  void TearDown() override {
    client_.reset();
    if (host_) {
      EXPECT_EQ(host_->stop(), 0) << host_->output();
    }
  }

  HttpReply login(const std::string& username, const std::string& password) {
    return client_->post("/iam/login", R"({"username":")" + username + R"(","password":")" + password + "\"}");
  }
  // One login on a fresh connection from source (any 127.x.y.z: all of 127/8 is loopback),
  // so the host sees a client of that address.
  HttpReply login_from(const std::string& source, const std::string& username, const std::string& password) {
    HttpClient client(host_->port(), "127.0.0.1", std::chrono::seconds(10), source);
    return client.post("/iam/login", R"({"username":")" + username + R"(","password":")" + password + "\"}");
  }
  std::string token_for(const std::string& username, const std::string& password) {
    auto reply = login(username, password);
    EXPECT_EQ(reply.status, 200) << reply.body;
    auto body = parse(reply);
    return body.IsObject() && body.HasMember("token") ? body["token"].GetString() : "";
  }
  HttpReply get(const std::string& target, const std::string& token) {
    return client_->get(target, Headers{{"Authorization", "Bearer " + token}});
  }
  HttpReply post(const std::string& target, const std::string& body, const std::string& token) {
    return client_->post(target, body, Headers{{"Authorization", "Bearer " + token}});
  }
  // Starts the sample process and waits until its user task is suspended.
  rapidjson::Document start_and_wait_for_task(const std::string& token, std::string& correlation_id) {
    auto started = post(std::string(kApi) + "/process_models/sample_process/start?start_callback_type=1", "{}", token);
    EXPECT_EQ(started.status, 200) << started.body;
    auto start_body = parse(started);
    correlation_id = start_body.IsObject() ? start_body["correlationId"].GetString() : "";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
      auto tasks = get(std::string(kApi) + "/correlations/" + correlation_id + "/user_tasks", token);
      EXPECT_EQ(tasks.status, 200) << tasks.body;
      auto list = parse(tasks);
      if (list.IsObject() && list["userTasks"].Size() > 0) return list;
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "no user task appeared: " << tasks.body;
        return list;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  TempDir dir_;
  std::unique_ptr<HostProcess> host_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(IamHostTest, LoginAnswersOverHttp) {
  start_host();
  auto ok = login("sampleUser", "pass");
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto body = parse(ok);
  EXPECT_STREQ(body["userId"].GetString(), "sampleUser");
  EXPECT_TRUE(body["expiresAt"].IsString());
  EXPECT_EQ(std::string(body["token"].GetString()).substr(0, 3), "eyJ");

  auto wrong = login("sampleUser", "nope");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, R"({"message":"Invalid username or password."})");
  EXPECT_EQ(login("nobody", "pass").body, wrong.body);
  EXPECT_EQ(client_->post("/iam/login", "{not json").status, 400);
  EXPECT_EQ(client_->post("/iam/login", R"({"username":"sampleUser"})").status, 400);
}

TEST_F(IamHostTest, SprayingOnePasswordOverManyUsernamesGets429WithRetryAfter) {
  start_host();
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(login_from("127.0.0.2", "user" + std::to_string(i), "Winter2025!").status, 401) << i;
  }
  auto sprayed = login_from("127.0.0.2", "user5", "Winter2025!");
  EXPECT_EQ(sprayed.status, 429) << sprayed.body;
  ASSERT_TRUE(sprayed.header("retry-after").has_value());
  EXPECT_GE(std::stoi(*sprayed.header("retry-after")), 11) << "one failure per 60 s / 5 comes back";
  EXPECT_LE(std::stoi(*sprayed.header("retry-after")), 12);
  EXPECT_NE(sprayed.body.find("\"message\""), std::string::npos);
  EXPECT_NE(sprayed.body.find("from this address"), std::string::npos) << sprayed.body;

  // A user behind the attacked address is refused there, and not anywhere else.
  EXPECT_EQ(login_from("127.0.0.2", "sampleUser", "pass").status, 429);
  EXPECT_EQ(login_from("127.0.0.3", "sampleUser", "pass").status, 200);
}

TEST_F(IamHostTest, AnAttackedAccountIsSlowedDownNotLockedOut) {
  start_host();
  for (int i = 0; i < 2; ++i) ASSERT_EQ(login_from("127.0.0.4", "sampleUser", "guess" + std::to_string(i)).status, 401);
  auto attacker = login_from("127.0.0.4", "sampleUser", "guess2");
  EXPECT_EQ(attacker.status, 429) << attacker.body;
  EXPECT_NE(attacker.body.find("for this account"), std::string::npos) << attacker.body;

  // The owner, from elsewhere, waits as long as the per-account delay says (seconds, not
  // the 300 s a lockout took), then the right password passes.
  auto owner = login_from("127.0.0.5", "sampleUser", "pass");
  ASSERT_EQ(owner.status, 429) << owner.body;
  ASSERT_TRUE(owner.header("retry-after").has_value());
  const int retry_after = std::stoi(*owner.header("retry-after"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 2) << "the first delay is baseDelaySeconds";
  std::this_thread::sleep_for(std::chrono::seconds(retry_after));
  auto after_delay = login_from("127.0.0.5", "sampleUser", "pass");
  EXPECT_EQ(after_delay.status, 200) << after_delay.body;
  EXPECT_EQ(login_from("127.0.0.4", "sampleUser", "guess3").status, 401) << "the success cleared the delay";
}

TEST_F(IamHostTest, SampleFlowRunsWithAVerifiedToken) {
  start_host();
  auto token = token_for("sampleUser", "pass");
  auto models = get(std::string(kApi) + "/process_models", token);
  ASSERT_EQ(models.status, 200) << models.body;
  EXPECT_NE(models.body.find("sample_process"), std::string::npos);

  std::string correlation_id;
  auto tasks = start_and_wait_for_task(token, correlation_id);
  ASSERT_TRUE(tasks.IsObject() && tasks["userTasks"].Size() == 1);
  const auto& task = tasks["userTasks"][0];
  EXPECT_STREQ(task["id"].GetString(), "UserTask_1");
  const std::string finish = std::string(kApi) + "/processes/" + task["processInstanceId"].GetString() +
                             "/correlations/" + correlation_id + "/usertasks/" +
                             task["flowNodeInstanceId"].GetString() + "/finish";
  auto finished = post(finish, R"({"formFields":{"TaskWasSuccessful":true}})", token);
  EXPECT_EQ(finished.status, 204) << finished.body;

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  HttpReply results;
  do {
    results =
        get(std::string(kApi) + "/correlations/" + correlation_id + "/process_models/sample_process/results", token);
    if (results.status == 200 && results.body.find("TaskWasSuccessful") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(results.status, 200);
  EXPECT_NE(results.body.find("EndEvent_Success"), std::string::npos) << results.body;
  EXPECT_NE(results.body.find("TaskWasSuccessful"), std::string::npos) << results.body;
}

TEST_F(IamHostTest, UserWithoutTheLaneClaimSeesNoTaskAndCannotFinishIt) {
  start_host();
  auto owner = token_for("sampleUser", "pass");
  auto outsider = token_for("outsider", "outsider-pass");
  std::string correlation_id;
  auto tasks = start_and_wait_for_task(owner, correlation_id);
  ASSERT_TRUE(tasks.IsObject() && tasks["userTasks"].Size() == 1);
  const auto& task = tasks["userTasks"][0];

  auto seen = get(std::string(kApi) + "/correlations/" + correlation_id + "/user_tasks", outsider);
  ASSERT_EQ(seen.status, 200) << seen.body;
  auto seen_body = parse(seen);
  EXPECT_EQ(seen_body["userTasks"].Size(), 0u) << seen.body;
  EXPECT_EQ(seen_body["totalCount"].GetInt(), 0);

  const std::string finish = std::string(kApi) + "/processes/" + task["processInstanceId"].GetString() +
                             "/correlations/" + correlation_id + "/usertasks/" +
                             task["flowNodeInstanceId"].GetString() + "/finish";
  auto refused = post(finish, R"({"formFields":{"TaskWasSuccessful":true}})", outsider);
  EXPECT_EQ(refused.status, 403) << refused.body;
  auto still_waiting = get(std::string(kApi) + "/correlations/" + correlation_id + "/user_tasks", owner);
  EXPECT_EQ(parse(still_waiting)["userTasks"].Size(), 1u) << "the refused finish changed nothing";
}

TEST_F(IamHostTest, EveryBadTokenIsRefusedWith401) {
  start_host();
  auto good = token_for("sampleUser", "pass");
  const std::string models = std::string(kApi) + "/process_models";
  ASSERT_EQ(get(models, good).status, 200);

  auto first_dot = good.find('.');
  auto second_dot = good.find('.', first_dot + 1);
  auto header = good.substr(0, first_dot);
  auto body = unbase64url(good.substr(first_dot + 1, second_dot - first_dot - 1));
  auto signature = good.substr(second_dot + 1);
  auto promoted = body;
  promoted.replace(promoted.find("sample_lane"), 11, "can_manage_process_instances");
  auto flipped = signature;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';

  const std::pair<std::string, std::string> cases[] = {
      {"tampered payload", header + "." + base64url(promoted) + "." + signature},
      {"tampered signature", header + "." + good.substr(first_dot + 1, second_dot - first_dot - 1) + "." + flipped},
      {"alg none", forge(JWT_ALG_NONE, "", payload(kIssuer, 3600))},
      {"alg none with a signature",
       base64url(R"({"alg":"none","typ":"JWT"})") + "." + base64url(payload(kIssuer, 3600)) + "." + signature},
      {"HS512 with the right secret", forge(JWT_ALG_HS512, kSecret, payload(kIssuer, 3600))},
      {"expired", forge(JWT_ALG_HS256, kSecret, payload(kIssuer, -3600))},
      {"wrong issuer", forge(JWT_ALG_HS256, kSecret, payload("someone-else", 3600))},
      {"wrong secret", forge(JWT_ALG_HS256, "not-the-secret-0123456789abcdefghijklmnop", payload(kIssuer, 3600))},
      {"garbage", "garbage"},
      {"god token while disabled", "ZHVtbXlfdG9rZW4="},
  };
  // The control: a forged token with the right secret, issuer and expiry is accepted, so
  // each case above fails for its own reason only.
  ASSERT_EQ(get(models, forge(JWT_ALG_HS256, kSecret, payload(kIssuer, 3600))).status, 200);
  for (const auto& [name, token] : cases) {
    auto reply = get(models, token);
    EXPECT_EQ(reply.status, 401) << name << ": " << reply.body;
    EXPECT_NE(reply.body.find("\"message\""), std::string::npos) << name;
  }
  EXPECT_EQ(client_->get(models, Headers{{"Authorization", good}}).status, 401) << "no Bearer scheme";
  EXPECT_EQ(client_->get(models).status, 401) << "no header";
}

TEST_F(IamHostTest, GodTokenWorksWhenEnabledAndTheHostWarns) {
  start_host(true);
  EXPECT_NE(host_->output().find("allowGodToken is true"), std::string::npos) << host_->output();
  auto reply = get(std::string(kApi) + "/process_models", "ZHVtbXlfdG9rZW4=");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_NE(reply.body.find("sample_process"), std::string::npos);
}

}  // namespace
}  // namespace processhost
