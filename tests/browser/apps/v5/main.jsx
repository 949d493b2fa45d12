// next-auth 5 (Auth.js): `next-auth/react`, the same surface as v4.
import * as client from "next-auth-v5/react";
import { renderApp } from "../react-app.jsx";

renderApp("v5", client);
