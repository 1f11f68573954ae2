// The testing component, whole: what serves rather than calls. An HTTP/1.1 server, the sandbox
// operator for all five services (in process or standalone), a scripted fake transport, a sleeper
// that does not sleep, and the operator side of the UID2 envelope and of client-side generation. For tests of your own code
// against tokenmint's clients; never needed in production, and not in <tokenmint/tokenmint.hpp>.
// Meson: tokenmint_testing_dep; pkg-config: tokenmint-testing; CMake: tokenmint::testing.
#pragma once

#include <tokenmint/testing/fake_transport.hpp>
#include <tokenmint/testing/faults.hpp>
#include <tokenmint/testing/http_server.hpp>
#include <tokenmint/testing/hubspot_oauth.hpp>
#include <tokenmint/testing/sandbox.hpp>
#include <tokenmint/testing/services.hpp>
#include <tokenmint/testing/uid2_client_side.hpp>
#include <tokenmint/testing/uid2_envelope.hpp>
#include <tokenmint/testing/virtual_sleeper.hpp>
