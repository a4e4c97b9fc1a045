import { defineErrors } from "./define.js";

/**
 * Errors of the typed client (`@homevisit/client`): failures that happen on the caller's side
 * of the wire, where no problem document came back. Params carry counts and statuses only.
 */
export const clientErrors = defineErrors({
  client_network_error: {
    status: 503,
    message: {
      "zh-CN": "无法连接家访服务（已尝试 {attempts} 次）",
      en: "Could not reach the home-visit service ({attempts} attempts)",
    },
  },
  client_unexpected_response: {
    status: 502,
    message: {
      "zh-CN": "家访服务返回了无法识别的响应（HTTP {status}）",
      en: "The home-visit service sent a response that could not be read (HTTP {status})",
    },
  },
});
