#include "test_key.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "auth.hpp"

namespace fk::google_admin::testing {

namespace {

EVP_PKEY* testKey() {
  static EVP_PKEY* key = [] {
    EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
    if (!k) throw std::runtime_error("RSA key generation failed");
    return k;
  }();
  return key;
}

}  // namespace

const std::string& testPrivateKeyPem() {
  static const std::string pem = [] {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_PrivateKey(bio.get(), testKey(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
  }();
  return pem;
}

bool verifyWithTestKey(std::string_view jwt) {
  auto dot = jwt.rfind('.');
  if (dot == std::string_view::npos) return false;
  auto signature = base64UrlDecode(jwt.substr(dot + 1));
  if (!signature) return false;
  std::string_view input = jwt.substr(0, dot);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  return EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, testKey()) == 1 &&
         EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                          signature->size(), reinterpret_cast<const unsigned char*>(input.data()),
                          input.size()) == 1;
}

std::filesystem::path writeKeyFile(const std::filesystem::path& dir, const std::string& token_uri) {
  nlohmann::json key = {{"type", "service_account"},
                        {"project_id", "district-test"},
                        {"private_key_id", "0123456789abcdef0123456789abcdef01234567"},
                        {"private_key", testPrivateKeyPem()},
                        {"client_email", kTestClientEmail},
                        {"client_id", "123456789012345678901"},
                        {"auth_uri", "https://accounts.google.com/o/oauth2/auth"},
                        {"token_uri", token_uri}};
  auto path = dir / "service-account.json";
  std::ofstream(path) << key.dump(2);
  return path;
}

}  // namespace fk::google_admin::testing
