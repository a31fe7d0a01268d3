import type { Metadata } from "next";
import { connection } from "next/server";
import type { CSSProperties, ReactNode } from "react";
import { Toaster } from "sonner";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Hangar", template: "%s · Hangar" },
  description: "The virtual-machine image catalog of your KVM cloud",
  // The files of public/ (scripts/make-icons.ts renders the PNGs and the ICO from icon.svg).
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "16x16 32x32 48x48" },
      { url: "/icon.svg", type: "image/svg+xml" },
    ],
    apple: "/apple-touch-icon.png",
  },
  manifest: "/manifest.webmanifest",
  // A private portal: public/robots.txt and the X-Robots-Tag header say the same.
  robots: { index: false, follow: false },
};

// sonner's rich colours put its text below WCAG AA contrast (about 4.4:1 for success): Tailwind's
// 800 shades on the same light backgrounds are over 7:1.
const TOAST_COLORS = {
  "--success-text": "#166534",
  "--error-text": "#991b1b",
  "--info-text": "#1e40af",
  "--warning-text": "#92400e",
} as CSSProperties;

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: its scripts carry that request's CSP nonce (proxy.ts).
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        {children}
        <Toaster richColors position="bottom-center" style={TOAST_COLORS} />
      </body>
    </html>
  );
}
