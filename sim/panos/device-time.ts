/** `2024/05/01 12:00:00`, the device's timestamp style (UTC here, a simulated device has no locale). */
export function deviceTime(time: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${time.getUTCFullYear()}/${pad(time.getUTCMonth() + 1)}/${pad(time.getUTCDate())} ${pad(time.getUTCHours())}:${pad(time.getUTCMinutes())}:${pad(time.getUTCSeconds())}`;
}
