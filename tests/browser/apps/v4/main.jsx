// next-auth 4: `next-auth/react`.
import * as client from "next-auth-v4/react";
import { renderApp } from "../react-app.jsx";

renderApp("v4", client);
